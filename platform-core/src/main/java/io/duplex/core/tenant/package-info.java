@NullMarked
package io.duplex.core.tenant;

import org.jspecify.annotations.NullMarked;

@NullMarked
package io.duplex.api.tenant;

import org.jspecify.annotations.NullMarked;

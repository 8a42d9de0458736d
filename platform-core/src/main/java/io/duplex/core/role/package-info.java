@NullMarked
package io.duplex.core.role;

import org.jspecify.annotations.NullMarked;

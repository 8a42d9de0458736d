@NullMarked
package io.duplex.core.usage;

import org.jspecify.annotations.NullMarked;

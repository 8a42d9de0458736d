@NullMarked
package io.duplex.core.id;

import org.jspecify.annotations.NullMarked;

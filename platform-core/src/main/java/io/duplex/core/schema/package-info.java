@NullMarked
package io.duplex.core.schema;

import org.jspecify.annotations.NullMarked;

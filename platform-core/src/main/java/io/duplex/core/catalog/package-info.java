@NullMarked
package io.duplex.core.catalog;

import org.jspecify.annotations.NullMarked;

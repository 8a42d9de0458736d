@NullMarked
package io.duplex.core.page;

import org.jspecify.annotations.NullMarked;

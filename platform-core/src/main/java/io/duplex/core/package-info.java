@NullMarked
package io.duplex.core;

import org.jspecify.annotations.NullMarked;

@NullMarked
package io.duplex.api;

import org.jspecify.annotations.NullMarked;

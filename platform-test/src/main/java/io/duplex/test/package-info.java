@NullMarked
package io.duplex.test;

import org.jspecify.annotations.NullMarked;

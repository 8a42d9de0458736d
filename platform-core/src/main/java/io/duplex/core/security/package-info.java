@NullMarked
package io.duplex.core.security;

import org.jspecify.annotations.NullMarked;

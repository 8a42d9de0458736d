@NullMarked
package io.duplex.server;

import org.jspecify.annotations.NullMarked;

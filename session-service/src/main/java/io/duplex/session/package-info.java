@NullMarked
package io.duplex.session;

import org.jspecify.annotations.NullMarked;

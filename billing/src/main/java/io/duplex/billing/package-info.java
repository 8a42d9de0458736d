@NullMarked
package io.duplex.billing;

import org.jspecify.annotations.NullMarked;

@NullMarked
package io.duplex.core.idempotency;

import org.jspecify.annotations.NullMarked;

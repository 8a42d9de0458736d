/** Periodic background work: one helper that runs, logs and measures it the same way everywhere. */
@NullMarked
package io.duplex.core.schedule;

import org.jspecify.annotations.NullMarked;

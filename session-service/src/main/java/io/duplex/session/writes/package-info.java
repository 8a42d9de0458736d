/**
 * Durable writes of the realtime engine: items, usage and session state are retried with
 * backoff, spooled to a local file when the database stays away, and replayed in order.
 */
@NullMarked
package io.duplex.session.writes;

import org.jspecify.annotations.NullMarked;

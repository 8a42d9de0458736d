/**
 * The per-session engine: one serialised event loop per realtime session that processes client
 * events, provider events and timers in order, owns the conversation and the response in flight,
 * and writes what completes to the database in order.
 */
@NullMarked
package io.duplex.session.engine;

import org.jspecify.annotations.NullMarked;

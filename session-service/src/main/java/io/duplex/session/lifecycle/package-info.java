/**
 * The lifecycle of a session: starting one (agent version, placement, conversation, client
 * settings), its stored record with its segments and usage totals, metering its time when it ends,
 * and the {@link io.duplex.session.lifecycle.Sessions} API the realtime gateway runs sessions
 * through. Schema {@code realtime}.
 */
@NullMarked
package io.duplex.session.lifecycle;

import org.jspecify.annotations.NullMarked;

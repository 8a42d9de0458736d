/**
 * The {@code duplex} command line's Java side: {@code talk} (one conversation turn with an agent
 * over the realtime socket) and {@code bench} (many sessions at once, measured). A plain program:
 * no Spring context, Reactor Netty for sockets, Jackson for JSON.
 */
@NullMarked
package io.duplex.cli;

import org.jspecify.annotations.NullMarked;

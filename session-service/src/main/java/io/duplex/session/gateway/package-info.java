/**
 * The realtime socket, {@code /v1/realtime}: authenticates the handshake (API key or one-time
 * client secret, as a header or, for browsers, as a WebSocket subprotocol), then connects the
 * socket to its session's engine.
 */
@NullMarked
package io.duplex.session.gateway;

import org.jspecify.annotations.NullMarked;

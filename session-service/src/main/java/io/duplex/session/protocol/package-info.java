/**
 * The wire codec of the client-facing realtime socket, which speaks the OpenAI Realtime GA
 * protocol so that existing clients and SDKs work against Duplex by changing a base URL.
 * {@link io.duplex.session.protocol.ClientEventDecoder} turns client frames into typed
 * {@link io.duplex.session.protocol.ClientEvent}s or OpenAI-shaped
 * {@link io.duplex.session.protocol.ProtocolError}s, and
 * {@link io.duplex.session.protocol.ServerEvents} writes every server event the platform
 * sends. Nothing here does I/O or knows about Spring; both directions are plain classes over a
 * {@code JsonMapper}, cheap enough to run on every 20 ms audio frame of every session.
 * @see <a href="https://platform.openai.com/docs/api-reference/realtime">OpenAI Realtime API reference</a>
 */
@NullMarked
package io.duplex.session.protocol;

import org.jspecify.annotations.NullMarked;

/**
 * The {@code openai} provider: a speech-to-speech model behind the OpenAI Realtime API (GA), or
 * Azure OpenAI's form of it, reached over one upstream WebSocket per session. Duplex's engine keeps
 * turn detection and the conversation, so the upstream session runs with {@code turn_detection: null}
 * and only does what the engine asks, one call at a time; upstream events are mapped back to
 * {@link io.duplex.session.provider.ProviderEvent}s with the engine's ids.
 * @see <a href="https://platform.openai.com/docs/api-reference/realtime">OpenAI Realtime API</a>
 */
@NullMarked
package io.duplex.session.openai;

import org.jspecify.annotations.NullMarked;

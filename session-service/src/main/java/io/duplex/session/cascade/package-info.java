/**
 * The {@code cascade} provider: speech to text, a chat model and text to speech behind
 * OpenAI-compatible HTTP APIs ({@code /audio/transcriptions}, {@code /chat/completions} streamed,
 * {@code /audio/speech}), hosted or self-hosted on a compute pool. The engine detects turns (server
 * VAD) and keeps the conversation; a committed turn is transcribed at once, and a response streams
 * the chat model's answer into speech sentence by sentence, so the first audio leaves before the
 * chat model has finished.
 * @see <a href="https://platform.openai.com/docs/api-reference/audio">OpenAI audio API</a>
 * @see <a href="https://platform.openai.com/docs/api-reference/chat/create">OpenAI chat completions</a>
 */
@NullMarked
package io.duplex.session.cascade;

import org.jspecify.annotations.NullMarked;

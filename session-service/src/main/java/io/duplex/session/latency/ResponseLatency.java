package io.duplex.session.latency;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How long one response took to start, in milliseconds; a figure the response never reached (no
 * audio before it was cancelled, no user turn before it) is {@code null}.
 * @param segment the upstream segment the response ran on
 * @param userItemId the user turn the response answers, when server VAD started it
 * @param status how the response ended: {@code completed}, {@code cancelled}, ...
 * @param voiceToVoiceMs from the end of the user's speech (when that audio reached the gateway) to
 * the first audio of the answer sent to the client: what the user waits, less the network
 * @param providerFirstByteMs from asking the model for the response to its first output
 * @param firstAudioMs from starting the response to its first audio sent to the client
 * @param sttMs for a cascade: the speech-to-text request
 * @param llmFirstTokenMs for a cascade: from the LLM request to its first token
 * @param ttsFirstByteMs for a cascade: from the first text-to-speech request to its first audio
 */
public record ResponseLatency(String tenantId, String sessionId, String responseId, int segment,
		@Nullable String userItemId, String status, @Nullable Integer voiceToVoiceMs,
		@Nullable Integer providerFirstByteMs, @Nullable Integer firstAudioMs, @Nullable Integer sttMs,
		@Nullable Integer llmFirstTokenMs, @Nullable Integer ttsFirstByteMs, Instant occurredAt) {
}

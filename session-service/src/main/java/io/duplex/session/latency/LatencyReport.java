package io.duplex.session.latency;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * {@code GET /v1/sessions/{id}/latency}: every response's figures, and a summary of each figure
 * over the session.
 */
record LatencyReport(String session, LatencySummary summary, List<Entry> data) {

	static LatencyReport of(String sessionId, List<ResponseLatency> responses) {
		return new LatencyReport(sessionId, LatencySummary.of(responses), responses.stream().map(Entry::of).toList());
	}

	/** One response; the fields are those of {@link ResponseLatency}. */
	record Entry(String responseId, int segment, @Nullable String userItemId, String status,
			@Nullable Integer voiceToVoiceMs, @Nullable Integer providerFirstByteMs, @Nullable Integer firstAudioMs,
			@Nullable Integer sttMs, @Nullable Integer llmFirstTokenMs, @Nullable Integer ttsFirstByteMs,
			Instant createdAt) {

		static Entry of(ResponseLatency latency) {
			return new Entry(latency.responseId(), latency.segment(), latency.userItemId(), latency.status(),
					latency.voiceToVoiceMs(), latency.providerFirstByteMs(), latency.firstAudioMs(), latency.sttMs(),
					latency.llmFirstTokenMs(), latency.ttsFirstByteMs(), latency.occurredAt());
		}

	}

}

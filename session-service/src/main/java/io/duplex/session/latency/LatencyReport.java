package io.duplex.session.latency;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * {@code GET /v1/sessions/{id}/latency}: every response's figures, and a summary of each figure
 * over the session.
 */
record LatencyReport(String session, Summary summary, List<Entry> data) {

	static LatencyReport of(String sessionId, List<ResponseLatency> responses) {
		Summary summary = new Summary(responses.size(), Figure.of(responses, ResponseLatency::voiceToVoiceMs),
				Figure.of(responses, ResponseLatency::providerFirstByteMs),
				Figure.of(responses, ResponseLatency::firstAudioMs), Figure.of(responses, ResponseLatency::sttMs),
				Figure.of(responses, ResponseLatency::llmFirstTokenMs), Figure.of(responses, ResponseLatency::ttsFirstByteMs));
		return new LatencyReport(sessionId, summary, responses.stream().map(Entry::of).toList());
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

	/** Each figure over the responses that have it; {@code null} where none has. */
	record Summary(int responses, @Nullable Figure voiceToVoiceMs, @Nullable Figure providerFirstByteMs,
			@Nullable Figure firstAudioMs, @Nullable Figure sttMs, @Nullable Figure llmFirstTokenMs,
			@Nullable Figure ttsFirstByteMs) {
	}

	/**
	 * One figure over a session: how many responses have it, and its median, 95th percentile and
	 * maximum by the nearest-rank method (a value that occurred, never an interpolation).
	 */
	record Figure(int count, int p50, int p95, int max) {

		static @Nullable Figure of(List<ResponseLatency> responses, Function<ResponseLatency, @Nullable Integer> figure) {
			int[] values = responses.stream()
				.map(figure)
				.filter((value) -> value != null)
				.mapToInt(Integer::intValue)
				.sorted()
				.toArray();
			if (values.length == 0) {
				return null;
			}
			return new Figure(values.length, rank(values, 0.50), rank(values, 0.95), values[values.length - 1]);
		}

		/** The nearest-rank percentile: the smallest value with at least {@code p} of them at or below it. */
		static int rank(int[] sorted, double p) {
			int rank = (int) Math.ceil(p * sorted.length);
			return sorted[Math.max(rank, 1) - 1];
		}

	}

}

package io.duplex.session.latency;

import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Each latency figure of a session's responses, over the responses that have it; {@code null}
 * where none has.
 */
public record LatencySummary(int responses, @Nullable Figure voiceToVoiceMs, @Nullable Figure providerFirstByteMs,
		@Nullable Figure firstAudioMs, @Nullable Figure sttMs, @Nullable Figure llmFirstTokenMs,
		@Nullable Figure ttsFirstByteMs) {

	static LatencySummary of(List<ResponseLatency> responses) {
		return new LatencySummary(responses.size(), Figure.of(responses, ResponseLatency::voiceToVoiceMs),
				Figure.of(responses, ResponseLatency::providerFirstByteMs),
				Figure.of(responses, ResponseLatency::firstAudioMs), Figure.of(responses, ResponseLatency::sttMs),
				Figure.of(responses, ResponseLatency::llmFirstTokenMs), Figure.of(responses, ResponseLatency::ttsFirstByteMs));
	}

	/**
	 * One figure over a session: how many responses have it, and its median, 95th percentile and
	 * maximum by the nearest-rank method (a value that occurred, never an interpolation).
	 */
	public record Figure(int count, int p50, int p95, int max) {

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

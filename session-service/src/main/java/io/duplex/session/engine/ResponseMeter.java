package io.duplex.session.engine;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

import io.duplex.core.catalog.ModelInfo;
import io.duplex.session.provider.TokenUsage;
import io.duplex.session.text.TextTokens;

/**
 * Bills every response once, however it ended: with the provider's usage when it reported one,
 * else with an estimate of what it produced. A response is billed under one id (the engine's
 * response id, or the upstream's for a response the engine did not ask for), and the first figure
 * recorded for an id is the one that counts: a provider's report that comes after the response was
 * billed as estimated is not added again, in the ledger (same idempotency keys) nor in the
 * session's totals (this record of what was billed).
 */
final class ResponseMeter {

	/** Ids remembered as billed; a report for one older than these is for a response long over. */
	private static final int REMEMBERED = 4096;

	/** Samples per second of the audio the engine sends (PCM16 24 kHz). */
	private static final int SAMPLE_RATE = 24_000;

	private final SessionEngine engine;

	private final Set<String> billed = new LinkedHashSet<>();

	ResponseMeter(SessionEngine engine) {
		this.engine = engine;
	}

	/** Bills the engine's response {@code run}, ended with {@code status}, and stores its latency. */
	void response(ResponseRun run, String status, TokenUsage usage) {
		if (first(run.response.id())) {
			UsageRecorder.record(this.engine, run.response.id(), usage,
					LatencyRecorder.measure(this.engine, run, status));
		}
	}

	/**
	 * Bills usage the provider reported for a response the engine is not waiting for (keyed by
	 * {@code responseId}); nothing when that response was billed already.
	 */
	void reported(String responseId, TokenUsage usage) {
		if (!usage.isEmpty() && first(responseId)) {
			UsageRecorder.recordSide(this.engine, this.engine.segment(), responseId, usage);
		}
	}

	private boolean first(String responseId) {
		if (!this.billed.add(responseId)) {
			return false;
		}
		if (this.billed.size() > REMEMBERED) {
			Iterator<String> oldest = this.billed.iterator();
			oldest.next();
			oldest.remove();
		}
		return true;
	}

	/**
	 * What {@code run} produced, as the provider would have counted it: the audio delivered to the
	 * client at the model's output audio rate from the catalog (a started token counting whole), and
	 * the text delivered (transcript, text or function arguments) in {@code o200k_base} tokens. Input
	 * is not estimated: what the upstream read (its context after truncations and rollovers, and how
	 * much of it came from its prompt cache, which is priced apart) is not known here exactly, and
	 * an estimate must never bill more than was used.
	 */
	static TokenUsage estimate(SessionEngine engine, ResponseRun run) {
		long samples = 0;
		StringBuilder text = new StringBuilder();
		for (ResponseOutput output : run.outputs.values()) {
			samples += output.sentSamples;
			text.append(output.text);
		}
		ModelInfo model = engine.grant().model();
		long audioTokens = Math.ceilDiv(samples * model.outputAudioTokensPerSecond(), SAMPLE_RATE);
		return TokenUsage.estimatedOutput(TextTokens.count(text.toString()), audioTokens);
	}

}

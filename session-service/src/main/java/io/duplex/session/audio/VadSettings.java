package io.duplex.session.audio;

/**
 * The tuning of a {@link VoiceActivityDetector}, named after the fields of OpenAI's
 * {@code server_vad} turn detection.
 * @param threshold 0.0 to 1.0: how far above the noise floor audio must rise to count as speech;
 * see {@link #onsetMarginDb()}
 * @param prefixPaddingMs how much audio before the detected onset {@code speech_started} includes
 * @param silenceDurationMs how long speech must stay below the threshold before it is over
 * @param minSpeechMs how much speech it takes to start a turn, so that clicks and knocks do not
 */
public record VadSettings(double threshold, int prefixPaddingMs, int silenceDurationMs, int minSpeechMs) {

	/** OpenAI's defaults (0.5, 300 ms, 500 ms) and 100 ms of minimum speech. */
	public static final VadSettings DEFAULTS = new VadSettings(0.5, 300, 500, 100);

	/** Margin above the noise floor at threshold 0.0, the most sensitive setting. */
	static final double MIN_MARGIN_DB = 4;

	/** How much the margin grows from threshold 0.0 to 1.0. */
	static final double MARGIN_RANGE_DB = 16;

	/** The share of the onset margin that keeps speech going once it has started. */
	static final double HYSTERESIS = 0.75;

	public VadSettings {
		if (!(threshold >= 0 && threshold <= 1)) {
			throw new IllegalArgumentException("threshold must be between 0.0 and 1.0, got " + threshold);
		}
		requireNonNegative("prefix_padding_ms", prefixPaddingMs);
		requireNonNegative("silence_duration_ms", silenceDurationMs);
		requireNonNegative("min_speech_ms", minSpeechMs);
	}

	public VadSettings withThreshold(double threshold) {
		return new VadSettings(threshold, this.prefixPaddingMs, this.silenceDurationMs, this.minSpeechMs);
	}

	public VadSettings withPrefixPaddingMs(int prefixPaddingMs) {
		return new VadSettings(this.threshold, prefixPaddingMs, this.silenceDurationMs, this.minSpeechMs);
	}

	public VadSettings withSilenceDurationMs(int silenceDurationMs) {
		return new VadSettings(this.threshold, this.prefixPaddingMs, silenceDurationMs, this.minSpeechMs);
	}

	public VadSettings withMinSpeechMs(int minSpeechMs) {
		return new VadSettings(this.threshold, this.prefixPaddingMs, this.silenceDurationMs, minSpeechMs);
	}

	/**
	 * How many dB a 10 ms frame must be above the noise floor to start speech:
	 * {@code 4 + 16 × threshold}, so 4 dB at 0.0, 12 dB at the default 0.5 and 20 dB at 1.0. The
	 * scale is linear in dB because loudness is, so each step of the threshold asks for the same
	 * extra loudness. 4 dB is just clear of the frame-to-frame wobble of steady noise; 12 dB still
	 * hears speech whose syllables peak 20 dB above a noisy room; 20 dB wants speech close to the
	 * microphone or a quiet room.
	 */
	public double onsetMarginDb() {
		return MIN_MARGIN_DB + MARGIN_RANGE_DB * this.threshold;
	}

	/**
	 * How many dB above the noise floor keep speech going once it has started: three quarters of
	 * the onset margin (3 dB at 0.0, 9 dB at 0.5, 15 dB at 1.0), so that the softer ends of words
	 * stay inside the turn.
	 */
	public double continueMarginDb() {
		return HYSTERESIS * onsetMarginDb();
	}

	private static void requireNonNegative(String name, int value) {
		if (value < 0) {
			throw new IllegalArgumentException(name + " must not be negative, got " + value);
		}
	}

}

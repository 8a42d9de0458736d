package io.duplex.session.sandbox;

/**
 * A committed user audio turn, remembered so that a response can play it back.
 * @param samples the turn's PCM16 24 kHz samples (at most {@link InputBuffer#MAX_SAMPLES}, the end
 * of the turn when it was longer)
 * @param durationMs how long the turn was as appended, including any audio that was not kept
 */
record Turn(short[] samples, long durationMs) {

	static final int SAMPLE_RATE = 24_000;

	static final int SAMPLES_PER_MS = SAMPLE_RATE / 1_000;

	/**
	 * The part between two sample positions (counted from the turn's first appended sample), where
	 * voice activity detection heard speech: a parrot reply plays the speech, not the silence a user
	 * left before it. Positions outside the turn are clamped; an empty span keeps the whole turn.
	 */
	Turn spoken(long fromSample, long toSample) {
		long dropped = this.durationMs * SAMPLES_PER_MS - this.samples.length;
		int from = (int) Math.max(0, Math.min(this.samples.length, fromSample - dropped));
		int to = (int) Math.max(from, Math.min(this.samples.length, toSample - dropped));
		if (to - from <= 0 || (from == 0 && to == this.samples.length)) {
			return this;
		}
		return new Turn(java.util.Arrays.copyOfRange(this.samples, from, to), (to - from) / SAMPLES_PER_MS);
	}

}

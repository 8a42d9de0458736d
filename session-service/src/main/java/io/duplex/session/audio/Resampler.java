package io.duplex.session.audio;

import java.util.Arrays;

/**
 * Converts one PCM16 stream between 8 kHz and 24 kHz (a factor of three) through a linear-phase
 * FIR low-pass, keeping the filter history between calls so that consecutive frames join exactly
 * as if the whole stream had been converted at once.
 * <p>
 * The filter is a 48-tap Kaiser-windowed sinc (beta 6) with its -6 dB point at 3.6 kHz, designed
 * at 24 kHz: flat to 2.6 kHz, -3 dB at 3.4 kHz, -16 dB at 4 kHz and at least 65 dB down from
 * 4.6 kHz on. Downsampling runs it before keeping every third sample, so 24 kHz content above the
 * new 4 kHz Nyquist is removed instead of folding back into the speech band; upsampling runs it
 * as three 16-tap polyphase branches to remove the images that inserting zeros would leave at
 * 8 ± f kHz. A longer filter would keep more of 3 to 4 kHz, but this one costs only 16
 * multiply-adds per 24 kHz sample, which matters at a thousand telephone calls per node. Both
 * directions delay the signal by 23.5 samples at 24 kHz, just under 1 ms.
 */
abstract sealed class Resampler permits Resampler.Up, Resampler.Down {

	static final int FACTOR = 3;

	static final int TAPS = 48;

	static final double CUTOFF_HZ = 3_600;

	static final double KAISER_BETA = 6.0;

	/** The prototype filter at 24 kHz, normalised to unit gain at DC. */
	static final float[] FILTER = design();

	/** A resampler from 8 kHz to 24 kHz: three output samples for every input sample. */
	static Resampler upsampler() {
		return new Up();
	}

	/** A resampler from 24 kHz to 8 kHz: one output sample for every three input samples. */
	static Resampler downsampler() {
		return new Down();
	}

	/**
	 * Resamples {@code length} samples and writes the result to {@code out}, which must have room
	 * for {@link #outputLength(int)} samples.
	 * @return the number of samples written
	 */
	abstract int process(short[] in, int offset, int length, short[] out, int outOffset);

	/** Exactly how many samples the next {@link #process} of {@code inputLength} samples writes. */
	abstract int outputLength(int inputLength);

	/** Forgets the filter history, as if the stream started again. */
	abstract void reset();

	static short saturate(float value) {
		int rounded = Math.round(value);
		return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, rounded));
	}

	private static float[] design() {
		double[] taps = new double[TAPS];
		double centre = (TAPS - 1) / 2.0;
		double normalisedCutoff = CUTOFF_HZ / 24_000;
		double sum = 0;
		for (int i = 0; i < TAPS; i++) {
			double t = i - centre;
			double sinc = 2 * normalisedCutoff * sinc(2 * normalisedCutoff * t);
			double ratio = t / centre;
			double window = bessel0(KAISER_BETA * Math.sqrt(1 - ratio * ratio)) / bessel0(KAISER_BETA);
			taps[i] = sinc * window;
			sum += taps[i];
		}
		float[] filter = new float[TAPS];
		for (int i = 0; i < TAPS; i++) {
			filter[i] = (float) (taps[i] / sum);
		}
		return filter;
	}

	private static double sinc(double x) {
		return (x == 0) ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
	}

	/** The zeroth-order modified Bessel function of the first kind, by its power series. */
	private static double bessel0(double x) {
		double sum = 1;
		double term = 1;
		for (int k = 1; k < 50 && term > 1e-12 * sum; k++) {
			term *= (x / (2 * k)) * (x / (2 * k));
			sum += term;
		}
		return sum;
	}

	/**
	 * Polyphase interpolation: output sample {@code 3n + p} is branch {@code p} of the filter
	 * applied to the last 16 input samples, times three to make up for the zeros that were never
	 * inserted.
	 */
	static final class Up extends Resampler {

		private static final int BRANCH = TAPS / FACTOR;

		private static final float[][] BRANCHES = branches();

		/**
		 * The last {@code BRANCH} inputs, stored twice so that a contiguous window always exists:
		 * the newest sample is at {@code position + BRANCH - 1}.
		 */
		private final float[] history = new float[2 * BRANCH];

		private int position;

		@Override
		int process(short[] in, int offset, int length, short[] out, int outOffset) {
			float[] history = this.history;
			int position = this.position;
			int written = outOffset;
			for (int i = 0; i < length; i++) {
				float sample = in[offset + i];
				history[position] = sample;
				history[position + BRANCH] = sample;
				position = (position + 1 == BRANCH) ? 0 : position + 1;
				// window[position .. position + BRANCH - 1] runs oldest to newest
				for (int phase = 0; phase < FACTOR; phase++) {
					float[] branch = BRANCHES[phase];
					float acc = 0;
					for (int k = 0; k < BRANCH; k++) {
						acc += branch[k] * history[position + k];
					}
					out[written++] = saturate(acc);
				}
			}
			this.position = position;
			return written - outOffset;
		}

		@Override
		int outputLength(int inputLength) {
			return inputLength * FACTOR;
		}

		@Override
		void reset() {
			Arrays.fill(this.history, 0);
			this.position = 0;
		}

		/**
		 * Branch {@code p}, ordered oldest input first: tap {@code p + 3j} meets input
		 * {@code n - j}. Each branch is scaled to a gain of exactly one at DC; otherwise their
		 * slightly different sums would turn a constant into a faint 8 kHz whine.
		 */
		private static float[][] branches() {
			float[][] branches = new float[FACTOR][BRANCH];
			for (int phase = 0; phase < FACTOR; phase++) {
				double sum = 0;
				for (int j = 0; j < BRANCH; j++) {
					sum += FILTER[phase + FACTOR * j];
				}
				for (int j = 0; j < BRANCH; j++) {
					branches[phase][BRANCH - 1 - j] = (float) (FILTER[phase + FACTOR * j] / sum);
				}
			}
			return branches;
		}

	}

	/**
	 * Decimation: every input sample enters the history, and each third one (counting from the
	 * start of the stream, not of the call) produces an output from the full filter.
	 */
	static final class Down extends Resampler {

		private static final float[] REVERSED = reversed();

		/** The last {@code TAPS} inputs, stored twice; the newest is at {@code position + TAPS - 1}. */
		private final float[] history = new float[2 * TAPS];

		private int position;

		/** Inputs seen since the last output, 0 to 2. */
		private int phase;

		@Override
		int process(short[] in, int offset, int length, short[] out, int outOffset) {
			float[] history = this.history;
			float[] taps = REVERSED;
			int position = this.position;
			int phase = this.phase;
			int written = outOffset;
			for (int i = 0; i < length; i++) {
				float sample = in[offset + i];
				history[position] = sample;
				history[position + TAPS] = sample;
				position = (position + 1 == TAPS) ? 0 : position + 1;
				if (++phase == FACTOR) {
					phase = 0;
					float acc = 0;
					for (int k = 0; k < TAPS; k++) {
						acc += taps[k] * history[position + k];
					}
					out[written++] = saturate(acc);
				}
			}
			this.position = position;
			this.phase = phase;
			return written - outOffset;
		}

		@Override
		int outputLength(int inputLength) {
			return (this.phase + inputLength) / FACTOR;
		}

		@Override
		void reset() {
			Arrays.fill(this.history, 0);
			this.position = 0;
			this.phase = 0;
		}

		private static float[] reversed() {
			float[] reversed = new float[TAPS];
			for (int k = 0; k < TAPS; k++) {
				reversed[k] = FILTER[TAPS - 1 - k];
			}
			return reversed;
		}

	}

}

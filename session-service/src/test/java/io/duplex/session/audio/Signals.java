package io.duplex.session.audio;

/** Test signals and the measurements the audio tests make on them. */
final class Signals {

	private Signals() {
	}

	/** {@code count} samples of a sine of {@code amplitude} (in sample units) at {@code hz}. */
	static short[] sine(double hz, double amplitude, int sampleRate, int count) {
		short[] samples = new short[count];
		for (int i = 0; i < count; i++) {
			samples[i] = Pcm16.saturate(amplitude * Math.sin(2 * Math.PI * hz * i / sampleRate));
		}
		return samples;
	}

	/**
	 * Amplitude of the component at {@code hz} in {@code samples[from, to)}, by correlation with a
	 * sine and a cosine; exact when the range holds a whole number of periods.
	 */
	static double amplitudeAt(short[] samples, int from, int to, double hz, int sampleRate) {
		double re = 0;
		double im = 0;
		for (int i = from; i < to; i++) {
			double angle = 2 * Math.PI * hz * i / sampleRate;
			re += samples[i] * Math.cos(angle);
			im += samples[i] * Math.sin(angle);
		}
		return 2 * Math.hypot(re, im) / (to - from);
	}

	/** Frequency of a roughly sinusoidal signal from its rising zero crossings, interpolated between samples. */
	static double frequency(short[] samples, int from, int to, int sampleRate) {
		double first = -1;
		double last = -1;
		int crossings = 0;
		for (int i = from + 1; i < to; i++) {
			if (samples[i - 1] < 0 && samples[i] >= 0) {
				double at = (i - 1) + (double) -samples[i - 1] / (samples[i] - samples[i - 1]);
				if (first < 0) {
					first = at;
				}
				last = at;
				crossings++;
			}
		}
		if (crossings < 2) {
			throw new IllegalArgumentException("Fewer than two zero crossings");
		}
		return (crossings - 1) * sampleRate / (last - first);
	}

	static double decibels(double ratio) {
		return 20 * Math.log10(ratio);
	}

	static double rms(short[] samples, int from, int to) {
		return Pcm16.rms(samples, from, to - from);
	}

}

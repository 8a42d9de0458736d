package io.duplex.cli;

/**
 * Deterministic speech-like audio at 24 kHz, so a test file needs no microphone and no outside
 * tool: a voiced tone around 120 Hz with its first six harmonics at amplitudes 1/k, its loudness
 * rising and falling at a syllable rate of 4 Hz (peaks about -20 dBFS RMS, dips 20 dB below), and
 * 10 ms ramps at both ends so it starts and stops without a click. Server VAD hears it as speech.
 * Samples are computed with {@link StrictMath}, so they are the same on every JVM.
 */
final class SpeechLike {

	/** Silence before the speech, so the VAD sees the noise floor first, as with a real recording. */
	static final double LEADING_SILENCE_SECONDS = 0.3;

	private static final double PITCH_HZ = 120;

	/** A slow vibrato of the pitch, so it sounds less like a test tone. */
	private static final double VIBRATO_HZ = 0.7;

	private static final int HARMONICS = 6;

	private static final double SYLLABLE_HZ = 4;

	private static final int RAMP_SAMPLES = Wav.RATE / 100;

	/** Makes the syllable peaks -20 dBFS RMS: the harmonics' mean square is the sum of (1/k)^2 / 2. */
	private static final double SCALE = 32768 * 0.1 / Math.sqrt(harmonicPower());

	private SpeechLike() {
	}

	/** A test file's audio: {@link #LEADING_SILENCE_SECONDS} of silence, then {@code seconds} of speech. */
	static short[] withLeadingSilence(double seconds) {
		int silence = (int) Math.round(LEADING_SILENCE_SECONDS * Wav.RATE);
		short[] speech = speech(seconds);
		short[] samples = new short[silence + speech.length];
		System.arraycopy(speech, 0, samples, silence, speech.length);
		return samples;
	}

	/** {@code seconds} of speech-like sound, ramped in and out. */
	static short[] speech(double seconds) {
		int length = (int) Math.round(seconds * Wav.RATE);
		short[] samples = new short[length];
		double phase = 0;
		for (int n = 0; n < length; n++) {
			double t = (double) n / Wav.RATE;
			double pitch = PITCH_HZ * (1 + 0.06 * StrictMath.sin(2 * Math.PI * VIBRATO_HZ * t));
			// the phase is integrated so the changing pitch stays continuous
			phase += 2 * Math.PI * pitch / Wav.RATE;
			double envelope = (0.55 + 0.45 * StrictMath.cos(2 * Math.PI * SYLLABLE_HZ * t)) * ramp(n)
					* ramp(length - 1 - n);
			samples[n] = Wav.saturate(SCALE * envelope * harmonics(phase));
		}
		return samples;
	}

	private static double harmonics(double phase) {
		double sum = 0;
		for (int k = 1; k <= HARMONICS; k++) {
			sum += StrictMath.sin(k * phase) / k;
		}
		return sum;
	}

	private static double ramp(int position) {
		if (position >= RAMP_SAMPLES) {
			return 1;
		}
		return 0.5 - 0.5 * StrictMath.cos(Math.PI * position / RAMP_SAMPLES);
	}

	private static double harmonicPower() {
		double power = 0;
		for (int k = 1; k <= HARMONICS; k++) {
			power += 1.0 / (k * k) / 2;
		}
		return power;
	}

}

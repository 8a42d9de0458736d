package io.duplex.audio;

/**
 * The one synthesis of deterministic speech-like sound at {@value #SAMPLE_RATE} Hz, so that audio
 * needs no microphone, no recording and no speech synthesiser: a voiced tone with its first six
 * harmonics at amplitudes 1/k, its loudness rising and falling at a syllable rate of 4 Hz (peaks
 * -20 dBFS RMS, dips 20 dB below), opened and closed by 10 ms raised-cosine ramps so it starts and
 * stops without a click. Server VAD hears it as speech. The caller chooses the pitch (it passes
 * the phase) and where the sound starts and ends. Samples are computed with {@link StrictMath}, so
 * they are the same on every JVM.
 */
public final class SpeechTone {

	/** The sample rate of the sound: the realtime protocol's. */
	public static final int SAMPLE_RATE = 24_000;

	/** Samples of the ramps that open and close a sound: 10 ms. */
	public static final int RAMP_SAMPLES = SAMPLE_RATE / 100;

	private static final int HARMONICS = 6;

	private static final double SYLLABLE_HZ = 4;

	/** Makes a syllable peak -20 dBFS RMS: the harmonics' mean square is the sum of (1/k)^2 / 2. */
	private static final double SCALE = 32768 * 0.1 / Math.sqrt(harmonicPower());

	private SpeechTone() {
	}

	/**
	 * One sample of the sound.
	 * @param phase the fundamental's phase in radians (the caller's pitch contour)
	 * @param syllableSeconds seconds since the sound's loudness started its first syllable (a peak)
	 * @param fromStart samples since the sound's first sample (ramps it in)
	 * @param toEnd samples to the sound's last sample (ramps it out)
	 */
	public static short sample(double phase, double syllableSeconds, int fromStart, int toEnd) {
		double envelope = (0.55 + 0.45 * StrictMath.cos(2 * Math.PI * SYLLABLE_HZ * syllableSeconds))
				* ramp(fromStart) * ramp(toEnd);
		return saturate(SCALE * envelope * harmonics(phase));
	}

	/** Rounds and clamps to the range of a sample, so that overshoot saturates instead of wrapping. */
	public static short saturate(double value) {
		return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(value)));
	}

	private static double harmonics(double phase) {
		double sum = 0;
		for (int k = 1; k <= HARMONICS; k++) {
			sum += StrictMath.sin(k * phase) / k;
		}
		return sum;
	}

	/** A raised-cosine ramp from 0 to 1 over the first {@link #RAMP_SAMPLES} positions. */
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

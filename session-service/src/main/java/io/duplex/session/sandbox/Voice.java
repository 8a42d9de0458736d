package io.duplex.session.sandbox;

import io.duplex.audio.SpeechTone;
import io.duplex.session.audio.Pcm16;

/**
 * Deterministic speech-like audio for a text, so that text answers can be heard, and their
 * playback, truncation and interruption exercised, without a speech synthesiser.
 * <p>
 * Each character (code point) takes {@value #MS_PER_CHARACTER} ms. White space is silence; every
 * run of other characters (a word) is voiced by {@link SpeechTone}: a fundamental falling from
 * 140 Hz to 100 Hz across the whole text, like the declination of a spoken sentence, the first
 * syllable peak at the word's start, and the ramps opening and closing each word. Samples depend
 * only on the text, so they are the same on every JVM.
 */
final class Voice implements AudioSource {

	static final int MS_PER_CHARACTER = 65;

	static final int SAMPLES_PER_CHARACTER = MS_PER_CHARACTER * Turn.SAMPLES_PER_MS;

	private static final double START_HZ = 140;

	private static final double END_HZ = 100;

	private final String text;

	/** Per character, the first sample of its word, or -1 for white space. */
	private final int[] wordStart;

	/** Per character, the sample just after its word. */
	private final int[] wordEnd;

	private final int length;

	Voice(String text) {
		this.text = text;
		int[] codePoints = text.codePoints().toArray();
		this.length = codePoints.length * SAMPLES_PER_CHARACTER;
		this.wordStart = new int[codePoints.length];
		this.wordEnd = new int[codePoints.length];
		int c = 0;
		while (c < codePoints.length) {
			if (Character.isWhitespace(codePoints[c])) {
				this.wordStart[c++] = -1;
				continue;
			}
			int end = c;
			while (end < codePoints.length && !Character.isWhitespace(codePoints[end])) {
				end++;
			}
			for (int i = c; i < end; i++) {
				this.wordStart[i] = c * SAMPLES_PER_CHARACTER;
				this.wordEnd[i] = end * SAMPLES_PER_CHARACTER;
			}
			c = end;
		}
	}

	@Override
	public int length() {
		return this.length;
	}

	/** When the character at UTF-16 index {@code index} of the text starts to sound, in ms. */
	long startMs(int index) {
		return (long) this.text.codePointCount(0, index) * MS_PER_CHARACTER;
	}

	@Override
	public byte[] pcm(int from, int count) {
		short[] samples = new short[count];
		double seconds = (double) this.length / Turn.SAMPLE_RATE;
		for (int i = 0; i < count; i++) {
			int n = from + i;
			int character = n / SAMPLES_PER_CHARACTER;
			int start = this.wordStart[character];
			if (start < 0) {
				continue;
			}
			double t = (double) n / Turn.SAMPLE_RATE;
			// the phase of a linearly falling pitch in closed form, so any chunk can be made on its own
			double phase = 2 * Math.PI * (START_HZ * t - (START_HZ - END_HZ) * t * t / (2 * seconds));
			double sinceWordStart = (double) (n - start) / Turn.SAMPLE_RATE;
			samples[i] = SpeechTone.sample(phase, sinceWordStart, n - start, this.wordEnd[character] - 1 - n);
		}
		return Pcm16.toBytes(samples);
	}

}

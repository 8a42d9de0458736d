package io.duplex.cli;

import io.duplex.audio.SpeechTone;

/**
 * Deterministic speech-like audio at 24 kHz, so a test file needs no microphone and no outside
 * tool: the sandbox voice's {@link SpeechTone} around 120 Hz with a slow vibrato, one sound from
 * the first sample to the last. Server VAD hears it as speech. The same on every JVM.
 */
final class SpeechLike {

	/** Silence before the speech, so the VAD sees the noise floor first, as with a real recording. */
	static final double LEADING_SILENCE_SECONDS = 0.3;

	private static final double PITCH_HZ = 120;

	/** A slow vibrato of the pitch, so it sounds less like a test tone. */
	private static final double VIBRATO_HZ = 0.7;

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
			samples[n] = SpeechTone.sample(phase, t, n, length - 1 - n);
		}
		return samples;
	}

}

package io.duplex.session.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Synthesises speech-like PCM16 24 kHz audio, the same for the same seed and the same calls, so
 * that voice activity tests run on signals with the features a detector meets in real speech
 * rather than on square pulses.
 * <p>
 * Each utterance is voiced: a fundamental between 100 and 250 Hz with a gentle intonation contour
 * and downward drift, and its harmonics up to 3.4 kHz shaped by two formants chosen per utterance.
 * Its loudness rises and falls at a syllable rate between 4 and 5 Hz, dipping 20 dB between
 * syllables, with each syllable's peak 0 to 3 dB below {@link #speechLevel(double) the speech
 * level}. The syllable rate is adjusted so a whole number of syllables fits, which puts a syllable
 * nucleus at both edges: the onset (a 10 ms ramp) and the end (a 15 ms ramp) are then where the
 * calls say they are, within a few milliseconds. Background noise, a little heavier at low
 * frequencies like room noise, runs continuously under everything, including the speech.
 * <p>
 * Build a signal by chaining calls, e.g.
 * {@code new SpeechLikeAudio(7).silence(1000).speech(1500).silence(1000).samples()}.
 */
public final class SpeechLikeAudio {

	public static final int SAMPLE_RATE = 24_000;

	private static final int SAMPLES_PER_MS = SAMPLE_RATE / 1_000;

	private static final double FULL_SCALE = 32768;

	private static final double HIGHEST_HARMONIC_HZ = 3_400;

	/** Pole of the noise colouring filter; its power gain is (1 - a) / (1 + a). */
	private static final double NOISE_POLE = 0.6;

	private final Random random;

	private final List<Span> speech = new ArrayList<>();

	private float[] buffer = new float[SAMPLE_RATE];

	private int length;

	private double noiseDbfs = -60;

	private double speechDbfs = -20;

	private double noiseState;

	/**
	 * Where an utterance is, in milliseconds from the start of the audio.
	 * @param startMs its first sample
	 * @param endMs just after its last sample
	 */
	public record Span(int startMs, int endMs) {
	}

	public SpeechLikeAudio(long seed) {
		this.random = new Random(seed);
	}

	/** RMS level of the background noise from here on, in dBFS (default -60). */
	public SpeechLikeAudio noiseLevel(double dbfs) {
		this.noiseDbfs = dbfs;
		return this;
	}

	/** RMS level of the loudest syllable of utterances from here on, in dBFS (default -20). */
	public SpeechLikeAudio speechLevel(double dbfs) {
		this.speechDbfs = dbfs;
		return this;
	}

	/** Appends background noise only. */
	public SpeechLikeAudio silence(int ms) {
		int start = grow(ms);
		addNoise(start, this.length);
		return this;
	}

	/** Appends one utterance over the background noise. */
	public SpeechLikeAudio speech(int ms) {
		int start = grow(ms);
		addNoise(start, this.length);
		addVoice(start, this.length - start);
		this.speech.add(new Span(start / SAMPLES_PER_MS, this.length / SAMPLES_PER_MS));
		return this;
	}

	/** Appends a burst of white noise at {@code dbfs} over the background: a click, knock or pop. */
	public SpeechLikeAudio click(int ms, double dbfs) {
		int start = grow(ms);
		addNoise(start, this.length);
		double rms = FULL_SCALE * Math.pow(10, dbfs / 20);
		for (int i = start; i < this.length; i++) {
			this.buffer[i] += (float) (rms * this.random.nextGaussian());
		}
		return this;
	}

	/** The utterances appended so far, in order. */
	public List<Span> speechSpans() {
		return List.copyOf(this.speech);
	}

	public int durationMs() {
		return this.length / SAMPLES_PER_MS;
	}

	/** The audio so far, rounded and clipped to 16 bits. */
	public short[] samples() {
		short[] samples = new short[this.length];
		for (int i = 0; i < this.length; i++) {
			samples[i] = Pcm16.saturate(this.buffer[i]);
		}
		return samples;
	}

	private int grow(int ms) {
		if (ms < 0) {
			throw new IllegalArgumentException("Duration must not be negative, got " + ms);
		}
		int start = this.length;
		this.length += ms * SAMPLES_PER_MS;
		if (this.length > this.buffer.length) {
			this.buffer = Arrays.copyOf(this.buffer, Math.max(this.length, 2 * this.buffer.length));
		}
		return start;
	}

	private void addNoise(int from, int to) {
		double gain = FULL_SCALE * Math.pow(10, this.noiseDbfs / 20)
				/ Math.sqrt((1 - NOISE_POLE) / (1 + NOISE_POLE));
		double state = this.noiseState;
		for (int i = from; i < to; i++) {
			state = NOISE_POLE * state + (1 - NOISE_POLE) * this.random.nextGaussian();
			this.buffer[i] += (float) (gain * state);
		}
		this.noiseState = state;
	}

	private void addVoice(int start, int count) {
		double seconds = (double) count / SAMPLE_RATE;
		double f0 = 100 + 150 * this.random.nextDouble();
		double formant1 = 300 + 500 * this.random.nextDouble();
		double formant2 = 900 + 1300 * this.random.nextDouble();
		int harmonics = Math.max(1, (int) (HIGHEST_HARMONIC_HZ / (f0 * 1.1)));
		double[] weights = new double[harmonics + 1];
		double power = 0;
		for (int k = 1; k <= harmonics; k++) {
			double f = k * f0;
			weights[k] = (1.0 / k) * (1 + 3 * gauss((f - formant1) / 120) + 2 * gauss((f - formant2) / 200));
			power += weights[k] * weights[k] / 2;
		}
		double scale = FULL_SCALE * Math.pow(10, this.speechDbfs / 20) / Math.sqrt(power);
		int syllables = Math.max(1, (int) Math.round(seconds * (4 + this.random.nextDouble())));
		double syllableRate = syllables / seconds;
		double[] syllableGain = new double[syllables + 1];
		for (int s = 0; s <= syllables; s++) {
			syllableGain[s] = Math.pow(10, -3 * this.random.nextDouble() / 20);
		}
		double intonationPhase = 2 * Math.PI * this.random.nextDouble();
		double phase = 0;
		for (int i = 0; i < count; i++) {
			double t = (double) i / SAMPLE_RATE;
			double pitch = f0 * (1 + 0.06 * Math.sin(2 * Math.PI * 0.8 * t + intonationPhase)) * (1 - 0.1 * t / seconds);
			phase += 2 * Math.PI * pitch / SAMPLE_RATE;
			if (phase > 2 * Math.PI) {
				phase -= 2 * Math.PI;
			}
			// syllable s is centred on t = s / rate, so the gain changes in the dips between them
			int syllable = (int) Math.floor(t * syllableRate + 0.5);
			double envelope = (0.55 + 0.45 * Math.cos(2 * Math.PI * syllableRate * t)) * syllableGain[syllable]
					* ramp(i, SAMPLES_PER_MS * 10) * ramp(count - 1 - i, SAMPLES_PER_MS * 15);
			this.buffer[start + i] += (float) (scale * envelope * harmonicSum(phase, weights));
		}
	}

	/** The sum of {@code weights[k] sin(k phase)}, by the Chebyshev recurrence rather than one sine per harmonic. */
	private static double harmonicSum(double phase, double[] weights) {
		double twoCos = 2 * Math.cos(phase);
		double previous = 0;
		double current = Math.sin(phase);
		double sum = 0;
		for (int k = 1; k < weights.length; k++) {
			sum += weights[k] * current;
			double next = twoCos * current - previous;
			previous = current;
			current = next;
		}
		return sum;
	}

	/** A raised-cosine ramp from 0 to 1 over {@code width} samples. */
	private static double ramp(int position, int width) {
		if (position >= width) {
			return 1;
		}
		return 0.5 - 0.5 * Math.cos(Math.PI * position / width);
	}

	private static double gauss(double x) {
		return Math.exp(-x * x);
	}

}

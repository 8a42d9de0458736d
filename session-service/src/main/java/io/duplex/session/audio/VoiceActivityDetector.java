package io.duplex.session.audio;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Finds where speech starts and stops in one stream of PCM16 24 kHz audio, with the semantics of
 * OpenAI Realtime's {@code server_vad}.
 * <p>
 * The audio is cut into 10 ms frames (a partial frame waits for the next call), high-passed to
 * ignore DC and rumble, and each frame's energy is compared with an adaptive noise floor:
 * <ul>
 * <li>A frame at least {@link VadSettings#onsetMarginDb()} above the floor opens a candidate.
 * Frames at least {@link VadSettings#continueMarginDb()} above it extend the candidate's run,
 * which survives gaps of up to 20 ms (a consonant). Once the run reaches
 * {@link VadSettings#minSpeechMs()}, {@link VadEvent.SpeechStarted} reports the candidate's first
 * frame minus the prefix padding, so clicks shorter than that never start a turn.</li>
 * <li>A run that breaks off too short keeps its onset for 200 ms: if a loud frame starts another
 * run by then, that run must still reach the minimum on its own, but the turn is reported from
 * the first onset. In noise a soft first syllable often falls short alone, and the turn still
 * began there.</li>
 * <li>Speech lasts until {@link VadSettings#silenceDurationMs()} pass without a frame above the
 * continue margin; {@link VadEvent.SpeechStopped} then reports the end of the last such frame.</li>
 * </ul>
 * So both times are exact to a frame, and the events arrive {@code minSpeechMs} after the onset
 * (later only when the onset was held) and {@code silenceDurationMs} after the end, as OpenAI's
 * do.
 * <p>
 * The noise floor starts at the first frame's energy, follows quieter frames down quickly (half
 * the gap per frame), and creeps up towards louder non-speech frames slowly (2% of the gap per
 * frame, a time constant of half a second) and only while no speech or candidate is going on, so
 * speech never lifts it. It never goes below -70 dBFS, so after digital silence a faint hiss does
 * not count as speech. A noise that jumps by more than the margin at once would pass for speech for
 * ever under these rules, so after 4 s of uninterrupted "speech" the floor is raised to the
 * quietest frame of those 4 s: real speech dips between words, steady noise does not. A stream
 * that starts in the middle of speech begins with too high a floor, which the first pause
 * corrects.
 * <p>
 * Stateful and not thread-safe: one detector per audio stream. Feeding audio allocates nothing
 * unless an event is returned.
 */
public final class VoiceActivityDetector {

	public static final int SAMPLE_RATE = 24_000;

	public static final int FRAME_MS = 10;

	static final int FRAME_SAMPLES = SAMPLE_RATE / 1_000 * FRAME_MS;

	static final int SAMPLES_PER_MS = SAMPLE_RATE / 1_000;

	static final double NOISE_FLOOR_MIN_DBFS = -70;

	/** Fraction of the gap the floor falls per frame towards a quieter frame. */
	static final double FALL_RATE = 0.5;

	/** Fraction of the gap the floor rises per frame towards a louder non-speech frame. */
	static final double RISE_RATE = 0.02;

	/** Frames below the continue margin that do not break a candidate's run: one consonant's worth. */
	static final int CANDIDATE_GAP_FRAMES = 2;

	/**
	 * Frames a broken candidate keeps its onset for, in case a run long enough follows: in noise a
	 * first short syllable often falls short on its own, and the turn still began there.
	 */
	static final int ONSET_HOLD_FRAMES = 20;

	/** Uninterrupted speech frames after which the floor is assumed to be wrong. */
	static final int STUCK_FRAMES = 400;

	/** One-pole DC blocker: cuts below about 60 Hz, where hum and handling noise live. */
	private static final double POLE = 0.985;

	private static final double POLE_2 = POLE * POLE;

	private static final double POLE_3 = POLE_2 * POLE;

	private static final double POLE_4 = POLE_3 * POLE;

	private final VadSettings settings;

	private final double onsetMarginDb;

	private final double continueMarginDb;

	private final int minSpeechFrames;

	private final long silenceSamples;

	private final ArrayList<VadEvent> events = new ArrayList<>(2);

	/** Samples fed since creation: the audio clock. */
	private long samplesFed;

	private long frameStart;

	private int frameFill;

	private double frameSum;

	private double highPassIn;

	private double highPassOut;

	private double noiseFloorDb = NOISE_FLOOR_MIN_DBFS;

	private boolean floorKnown;

	private boolean speaking;

	private boolean candidate;

	private long candidateStart;

	private int candidateFrames;

	private int candidateGap;

	private long lastSpeechEnd;

	private int speechRun;

	private double speechRunMinDb = Double.POSITIVE_INFINITY;

	public VoiceActivityDetector() {
		this(VadSettings.DEFAULTS);
	}

	public VoiceActivityDetector(VadSettings settings) {
		this.settings = settings;
		this.onsetMarginDb = settings.onsetMarginDb();
		this.continueMarginDb = settings.continueMarginDb();
		this.minSpeechFrames = Math.max(1, (settings.minSpeechMs() + FRAME_MS - 1) / FRAME_MS);
		this.silenceSamples = (long) settings.silenceDurationMs() * SAMPLES_PER_MS;
	}

	public VadSettings settings() {
		return this.settings;
	}

	/**
	 * Feeds the next {@code length} samples of the stream.
	 * @return the events whose time came within these samples, in order; usually none
	 */
	public List<VadEvent> feed(short[] samples, int offset, int length) {
		Objects.checkFromIndexSize(offset, length, samples.length);
		int end = offset + length;
		for (int at = offset; at < end;) {
			int count = Math.min(end - at, FRAME_SAMPLES - this.frameFill);
			highPass(samples, at, count);
			at += count;
			this.frameFill += count;
			if (this.frameFill == FRAME_SAMPLES) {
				endFrame(this.frameSum / FRAME_SAMPLES);
				this.frameSum = 0;
				this.frameFill = 0;
			}
		}
		this.samplesFed += length;
		if (this.events.isEmpty()) {
			return List.of();
		}
		List<VadEvent> result = List.copyOf(this.events);
		this.events.clear();
		return result;
	}

	/**
	 * Runs {@code count} samples through the DC blocker, adding their energy to the frame's. The
	 * filter's output feeds back into itself, so one sample at a time each waits for the previous
	 * multiply and add; four at a time, each block's last output is computed straight from the
	 * previous block's (with the pole's powers), the other three alongside it, and the audio path
	 * runs several times faster. The results equal the one-at-a-time ones but for rounding.
	 */
	private void highPass(short[] samples, int from, int count) {
		double in = this.highPassIn;
		double out = this.highPassOut;
		double sum = this.frameSum;
		double sumOdd = 0;
		int at = from;
		int end = from + count;
		for (; at + 4 <= end; at += 4) {
			double x0 = samples[at];
			double x1 = samples[at + 1];
			double x2 = samples[at + 2];
			double x3 = samples[at + 3];
			double d0 = x0 - in;
			double d1 = x1 - x0;
			double d2 = x2 - x1;
			double d3 = x3 - x2;
			double y0 = d0 + POLE * out;
			double y1 = d1 + POLE * d0 + POLE_2 * out;
			double y2 = d2 + POLE * d1 + POLE_2 * d0 + POLE_3 * out;
			double y3 = d3 + POLE * d2 + POLE_2 * d1 + POLE_3 * d0 + POLE_4 * out;
			sum += y0 * y0 + y1 * y1;
			sumOdd += y2 * y2 + y3 * y3;
			in = x3;
			out = y3;
		}
		for (; at < end; at++) {
			double sample = samples[at];
			out = sample - in + POLE * out;
			in = sample;
			sum += out * out;
		}
		this.highPassIn = in;
		this.highPassOut = out;
		this.frameSum = sum + sumOdd;
	}

	public List<VadEvent> feed(short[] samples) {
		return feed(samples, 0, samples.length);
	}

	/** Whether speech has started and not yet stopped. */
	public boolean isSpeaking() {
		return this.speaking;
	}

	/** The audio clock: milliseconds of audio fed since the detector was created. */
	public long audioMs() {
		return this.samplesFed / SAMPLES_PER_MS;
	}

	/** The current noise floor estimate in dBFS; -70 until the first frame. */
	public double noiseFloorDbfs() {
		return this.noiseFloorDb;
	}

	/**
	 * Forgets any speech in progress and the partial frame, without reporting
	 * {@code speech_stopped}; for when the input buffer is cleared. The noise floor, which
	 * describes the caller's room rather than the turn, and the audio clock carry on.
	 */
	public void reset() {
		this.speaking = false;
		this.candidate = false;
		this.frameStart = this.samplesFed;
		this.frameFill = 0;
		this.frameSum = 0;
		this.highPassIn = 0;
		this.highPassOut = 0;
		endSpeechRun();
		this.events.clear();
	}

	private void endFrame(double meanSquare) {
		long start = this.frameStart;
		long end = start + FRAME_SAMPLES;
		this.frameStart = end;
		double energyDb = Pcm16.dbfsOfMeanSquare(meanSquare);
		if (!this.floorKnown) {
			this.noiseFloorDb = Math.max(energyDb, NOISE_FLOOR_MIN_DBFS);
			this.floorKnown = true;
		}
		double aboveFloor = energyDb - this.noiseFloorDb;
		boolean loud = aboveFloor >= this.onsetMarginDb;
		boolean sustained = aboveFloor >= this.continueMarginDb;
		if (this.speaking) {
			if (sustained) {
				this.lastSpeechEnd = end;
				continueSpeechRun(energyDb);
			}
			else {
				endSpeechRun();
				if (end - this.lastSpeechEnd >= this.silenceSamples) {
					this.speaking = false;
					this.events.add(new VadEvent.SpeechStopped(this.lastSpeechEnd / SAMPLES_PER_MS));
				}
			}
		}
		else if (this.candidate) {
			boolean broken = this.candidateGap > CANDIDATE_GAP_FRAMES;
			if (broken ? loud : sustained) {
				// after a break the count starts again, but the onset stays where it was
				this.candidateFrames = broken ? 1 : this.candidateFrames + 1;
				this.candidateGap = 0;
				continueSpeechRun(energyDb);
				confirmIfLongEnough(end);
			}
			else {
				endSpeechRun();
				if (++this.candidateGap > ONSET_HOLD_FRAMES) {
					this.candidate = false;
				}
			}
		}
		else if (loud) {
			this.candidate = true;
			this.candidateStart = start;
			this.candidateFrames = 1;
			this.candidateGap = 0;
			continueSpeechRun(energyDb);
			confirmIfLongEnough(end);
		}
		updateNoiseFloor(energyDb, loud);
	}

	private void confirmIfLongEnough(long end) {
		if (this.candidateFrames < this.minSpeechFrames) {
			return;
		}
		this.candidate = false;
		this.speaking = true;
		this.lastSpeechEnd = end;
		long startMs = Math.max(0, this.candidateStart / SAMPLES_PER_MS - this.settings.prefixPaddingMs());
		this.events.add(new VadEvent.SpeechStarted(startMs));
	}

	private void updateNoiseFloor(double energyDb, boolean loud) {
		double floor = this.noiseFloorDb;
		if (energyDb < floor) {
			// anything quieter than the floor is noise by definition, even in the middle of speech
			floor += FALL_RATE * (energyDb - floor);
		}
		else if (!loud && !this.speaking && !this.candidate) {
			floor += RISE_RATE * (energyDb - floor);
		}
		this.noiseFloorDb = Math.max(floor, NOISE_FLOOR_MIN_DBFS);
	}

	private void continueSpeechRun(double energyDb) {
		this.speechRunMinDb = Math.min(this.speechRunMinDb, energyDb);
		if (++this.speechRun >= STUCK_FRAMES) {
			this.noiseFloorDb = Math.max(this.noiseFloorDb, this.speechRunMinDb);
			endSpeechRun();
		}
	}

	private void endSpeechRun() {
		this.speechRun = 0;
		this.speechRunMinDb = Double.POSITIVE_INFINITY;
	}

}

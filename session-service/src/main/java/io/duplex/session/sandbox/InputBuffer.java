package io.duplex.session.sandbox;

import java.util.Arrays;

/**
 * The input audio appended since the last commit or clear, bounded so that a client that never
 * ends its turn cannot make a session hold unbounded memory.
 */
final class InputBuffer {

	/**
	 * Ten minutes at 24 kHz (about 29 MB). Beyond it only the last ten minutes are kept: a turn
	 * that long is a client that forgot to commit, and its end is what a playback should start
	 * nearest to.
	 */
	static final int MAX_SAMPLES = 10 * 60 * Turn.SAMPLE_RATE;

	/** One second: enough for most turns without regrowth, small enough to hold idle. */
	private static final int MIN_CAPACITY = Turn.SAMPLE_RATE;

	/** Four seconds (192 KB): what an idle session keeps between turns. */
	private static final int KEEP_CAPACITY = 4 * Turn.SAMPLE_RATE;

	private final int maxSamples;

	/** A ring once it has grown to {@link #maxSamples}; before that {@link #start} is 0. */
	private short[] ring = new short[0];

	private int start;

	private int size;

	/** Samples appended since the last take or clear, including those dropped. */
	private long appended;

	InputBuffer() {
		this(MAX_SAMPLES);
	}

	InputBuffer(int maxSamples) {
		this.maxSamples = maxSamples;
	}

	void append(short[] samples, int offset, int length) {
		this.appended += length;
		if (length == 0) {
			return;
		}
		if (length >= this.maxSamples) {
			this.ring = Arrays.copyOfRange(samples, offset + length - this.maxSamples, offset + length);
			this.start = 0;
			this.size = this.maxSamples;
			return;
		}
		ensureCapacity(this.size + length);
		int overflow = this.size + length - this.ring.length;
		if (overflow > 0) {
			this.start = (this.start + overflow) % this.ring.length;
			this.size -= overflow;
		}
		int at = (this.start + this.size) % this.ring.length;
		int first = Math.min(length, this.ring.length - at);
		System.arraycopy(samples, offset, this.ring, at, first);
		System.arraycopy(samples, offset + first, this.ring, 0, length - first);
		this.size += length;
	}

	/** Samples appended since the last take or clear, including any not kept. */
	long appended() {
		return this.appended;
	}

	/** The turn so far, oldest sample first; the buffer is then empty. */
	Turn take() {
		short[] samples = new short[this.size];
		int first = Math.min(this.size, this.ring.length - this.start);
		System.arraycopy(this.ring, this.start, samples, 0, first);
		System.arraycopy(this.ring, 0, samples, first, this.size - first);
		Turn turn = new Turn(samples, this.appended / Turn.SAMPLES_PER_MS);
		clear();
		return turn;
	}

	void clear() {
		// keep a buffer the size of an ordinary turn, so the next turn fills it without regrowing
		// (and reallocating, and copying) it; let a long turn's buffer go rather than hold it
		if (this.ring.length > KEEP_CAPACITY) {
			this.ring = new short[0];
		}
		this.start = 0;
		this.size = 0;
		this.appended = 0;
	}

	/** Grows (only while not yet wrapped, so {@link #start} is 0) up to {@link #maxSamples}. */
	private void ensureCapacity(int needed) {
		if (needed <= this.ring.length || this.ring.length == this.maxSamples) {
			return;
		}
		int capacity = Math.min(this.maxSamples, Math.max(needed, Math.max(MIN_CAPACITY, 2 * this.ring.length)));
		this.ring = Arrays.copyOf(this.ring, capacity);
	}

}

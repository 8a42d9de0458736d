package io.duplex.session.audio;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Turns PCM16 samples at 24 kHz, the engine's working format, into the bytes of one outgoing audio
 * stream in any {@link AudioFormat}.
 * <p>
 * Stateful and not thread-safe: for G.711 it low-passes and decimates to 8 kHz, keeping the
 * filter history and the position in the one-in-three pattern between calls, so chunks of any
 * size (not only multiples of three samples) encode to exactly the bytes of the whole stream. The
 * filter delays the audio by just under 1 ms, which stays in the history until more audio comes.
 * It allocates nothing per call except through {@link #encode(short[], int, int)}.
 */
public final class AudioEncoder {

	/** Samples are decimated in blocks of this many, so the scratch buffer stays small. */
	private static final int BLOCK = 480;

	private final AudioFormat format;

	/** The companding law, or {@code null} for PCM16, which is written as it is. */
	private final @Nullable G711 law;

	private final Resampler downsampler;

	private final short[] block;

	public AudioEncoder(AudioFormat format) {
		this.format = format;
		this.law = switch (format) {
			case PCMU -> G711.MU_LAW;
			case PCMA -> G711.A_LAW;
			case PCM16 -> null;
		};
		this.downsampler = Resampler.downsampler();
		this.block = new short[(this.law != null) ? BLOCK / Resampler.FACTOR : 0];
	}

	public AudioFormat format() {
		return this.format;
	}

	/** Exactly how many bytes the next {@code encode} of {@code sampleCount} samples produces. */
	public int outputLength(int sampleCount) {
		if (this.law == null) {
			return sampleCount * Pcm16.BYTES_PER_SAMPLE;
		}
		return this.downsampler.outputLength(sampleCount);
	}

	/**
	 * Encodes {@code length} samples into {@code out} at {@code outOffset}, which must have room
	 * for {@link #outputLength(int)} bytes.
	 * @return the number of bytes written
	 */
	public int encode(short[] samples, int offset, int length, byte[] out, int outOffset) {
		Objects.checkFromIndexSize(offset, length, samples.length);
		G711 law = this.law;
		if (law == null) {
			Pcm16.toBytes(samples, offset, length, out, outOffset);
			return length * Pcm16.BYTES_PER_SAMPLE;
		}
		int written = 0;
		for (int done = 0; done < length; done += BLOCK) {
			int count = Math.min(BLOCK, length - done);
			int decimated = this.downsampler.process(samples, offset + done, count, this.block, 0);
			law.encode(this.block, 0, decimated, out, outOffset + written);
			written += decimated;
		}
		return written;
	}

	/** Encodes the samples into a new array of exactly the bytes produced. */
	public byte[] encode(short[] samples, int offset, int length) {
		byte[] out = new byte[outputLength(length)];
		encode(samples, offset, length, out, 0);
		return out;
	}

	/** Forgets the filter history, as if the stream started again. */
	public void reset() {
		this.downsampler.reset();
	}

}

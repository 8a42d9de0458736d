package io.duplex.session.audio;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Turns the bytes of one incoming audio stream, in any {@link AudioFormat}, into PCM16 samples at
 * 24 kHz, the engine's working format.
 * <p>
 * Stateful and not thread-safe: it keeps the resampler history of G.711 streams and, for PCM16, a
 * byte left over when a chunk split a sample in two, so chunks of any size decode to exactly the
 * samples the concatenated stream would. It allocates nothing per call except through
 * {@link #decode(byte[])}.
 */
public final class AudioDecoder {

	/** G.711 bytes are expanded in blocks of this many, so the scratch buffer stays small. */
	private static final int BLOCK = 160;

	private final AudioFormat format;

	/** The companding law, or {@code null} for PCM16, which needs neither expanding nor resampling. */
	private final @Nullable G711 law;

	private final Resampler upsampler;

	private final short[] block;

	private int pendingByte = -1;

	public AudioDecoder(AudioFormat format) {
		this.format = format;
		this.law = switch (format) {
			case PCMU -> G711.MU_LAW;
			case PCMA -> G711.A_LAW;
			case PCM16 -> null;
		};
		this.upsampler = Resampler.upsampler();
		this.block = new short[(this.law != null) ? BLOCK : 0];
	}

	public AudioFormat format() {
		return this.format;
	}

	/** Exactly how many samples the next {@code decode} of {@code byteCount} bytes produces. */
	public int outputLength(int byteCount) {
		if (this.law == null) {
			return (byteCount + ((this.pendingByte >= 0) ? 1 : 0)) / 2;
		}
		return byteCount * Resampler.FACTOR;
	}

	/**
	 * Decodes {@code length} bytes into {@code out} at {@code outOffset}, which must have room for
	 * {@link #outputLength(int)} samples.
	 * @return the number of samples written
	 */
	public int decode(byte[] bytes, int offset, int length, short[] out, int outOffset) {
		Objects.checkFromIndexSize(offset, length, bytes.length);
		G711 law = this.law;
		if (law == null) {
			return decodePcm(bytes, offset, length, out, outOffset);
		}
		int written = 0;
		for (int done = 0; done < length; done += BLOCK) {
			int count = Math.min(BLOCK, length - done);
			law.decode(bytes, offset + done, count, this.block, 0);
			written += this.upsampler.process(this.block, 0, count, out, outOffset + written);
		}
		return written;
	}

	/** Decodes all of {@code bytes} into a new array of exactly the samples produced. */
	public short[] decode(byte[] bytes) {
		short[] out = new short[outputLength(bytes.length)];
		decode(bytes, 0, bytes.length, out, 0);
		return out;
	}

	/** Forgets the carried byte and the filter history, as if the stream started again. */
	public void reset() {
		this.pendingByte = -1;
		this.upsampler.reset();
	}

	private int decodePcm(byte[] bytes, int offset, int length, short[] out, int outOffset) {
		if (length == 0) {
			return 0;
		}
		int at = offset;
		int end = offset + length;
		int written = outOffset;
		if (this.pendingByte >= 0) {
			out[written++] = (short) (this.pendingByte | (bytes[at++] << 8));
			this.pendingByte = -1;
		}
		int whole = (end - at) / 2;
		Pcm16.toShorts(bytes, at, out, written, whole);
		written += whole;
		at += 2 * whole;
		if (at < end) {
			this.pendingByte = bytes[at] & 0xFF;
		}
		return written - outOffset;
	}

}

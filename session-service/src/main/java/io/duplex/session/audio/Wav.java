package io.duplex.session.audio;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Reads RIFF/WAVE files of 16-bit integer PCM at any sample rate and channel count into mono
 * samples, and writes mono PCM16 samples as a WAV file.
 * <p>
 * Anything else (8-bit, 24-bit, float, G.711 or compressed WAV, big-endian RIFX, RF64) is rejected
 * with an {@link IllegalArgumentException} that names what the file holds, because the caller is
 * usually relaying the message to whoever uploaded it.
 */
public final class Wav {

	private static final int FORMAT_PCM = 1;

	private static final int FORMAT_EXTENSIBLE = 0xFFFE;

	private static final int HEADER_SIZE = 44;

	private Wav() {
	}

	/**
	 * Mono PCM16 audio and its sample rate.
	 * @param sampleRate samples per second
	 * @param samples the samples; the record compares them by content
	 */
	public record Clip(int sampleRate, short[] samples) {

		public Clip {
			if (sampleRate <= 0) {
				throw new IllegalArgumentException("Sample rate must be positive, got " + sampleRate);
			}
		}

		public long durationMillis() {
			return this.samples.length * 1_000L / this.sampleRate;
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return (other instanceof Clip clip) && clip.sampleRate == this.sampleRate
					&& Arrays.equals(clip.samples, this.samples);
		}

		@Override
		public int hashCode() {
			return 31 * this.sampleRate + Arrays.hashCode(this.samples);
		}

		@Override
		public String toString() {
			return "Clip[sampleRate=" + this.sampleRate + ", samples=" + this.samples.length + "]";
		}

	}

	/**
	 * The audio of a WAV file, with all channels averaged into one. A {@code data} chunk that
	 * claims more bytes than the file holds (as files still being written do) is read up to the
	 * end of the file.
	 * @throws IllegalArgumentException if the bytes are not a WAV file of 16-bit integer PCM
	 */
	public static Clip read(byte[] wav) {
		if (wav.length < 12 || !tag(wav, 8, "WAVE")) {
			throw new IllegalArgumentException("Not a WAV file: it does not start with a RIFF/WAVE header");
		}
		if (!tag(wav, 0, "RIFF")) {
			throw new IllegalArgumentException("WAV container '" + new String(wav, 0, 4, StandardCharsets.ISO_8859_1)
					+ "' is not supported; only little-endian RIFF is");
		}
		int channels = 0;
		int sampleRate = 0;
		int at = 12;
		while (at + 8 <= wav.length) {
			long size = uint32(wav, at + 4);
			int body = at + 8;
			if (tag(wav, at, "fmt ")) {
				if (size < 16 || body + 16 > wav.length) {
					throw new IllegalArgumentException("WAV 'fmt ' chunk is truncated");
				}
				checkEncoding(wav, body, size);
				channels = uint16(wav, body + 2);
				sampleRate = (int) Math.min(uint32(wav, body + 4), Integer.MAX_VALUE);
				if (channels == 0 || sampleRate == 0) {
					throw new IllegalArgumentException("WAV file declares " + channels + " channels at " + sampleRate + " Hz");
				}
			}
			else if (tag(wav, at, "data")) {
				if (channels == 0) {
					throw new IllegalArgumentException("WAV file has its 'data' chunk before its 'fmt ' chunk");
				}
				int available = (int) Math.min(size, wav.length - body);
				return new Clip(sampleRate, downmix(wav, body, available / (2 * channels), channels));
			}
			// chunks are padded to an even length
			at = (int) Math.min(body + size + (size & 1), Integer.MAX_VALUE);
		}
		throw new IllegalArgumentException((channels == 0) ? "WAV file has no 'fmt ' chunk" : "WAV file has no 'data' chunk");
	}

	/** A WAV file holding the samples as mono 16-bit PCM. */
	public static byte[] write(short[] samples, int sampleRate) {
		return write(samples, 0, samples.length, sampleRate);
	}

	/** A WAV file holding {@code count} samples from {@code offset} as mono 16-bit PCM. */
	public static byte[] write(short[] samples, int offset, int count, int sampleRate) {
		if (sampleRate <= 0) {
			throw new IllegalArgumentException("Sample rate must be positive, got " + sampleRate);
		}
		int dataSize = count * Pcm16.BYTES_PER_SAMPLE;
		byte[] wav = new byte[HEADER_SIZE + dataSize];
		putTag(wav, 0, "RIFF");
		putInt(wav, 4, HEADER_SIZE - 8 + dataSize);
		putTag(wav, 8, "WAVE");
		putTag(wav, 12, "fmt ");
		putInt(wav, 16, 16);
		putShort(wav, 20, FORMAT_PCM);
		putShort(wav, 22, 1);
		putInt(wav, 24, sampleRate);
		putInt(wav, 28, sampleRate * Pcm16.BYTES_PER_SAMPLE);
		putShort(wav, 32, Pcm16.BYTES_PER_SAMPLE);
		putShort(wav, 34, 16);
		putTag(wav, 36, "data");
		putInt(wav, 40, dataSize);
		Pcm16.toBytes(samples, offset, count, wav, HEADER_SIZE);
		return wav;
	}

	private static void checkEncoding(byte[] wav, int fmt, long size) {
		int format = uint16(wav, fmt);
		int bits = uint16(wav, fmt + 14);
		if (format == FORMAT_EXTENSIBLE) {
			if (size < 40 || fmt + 26 > wav.length) {
				throw new IllegalArgumentException("WAV 'fmt ' chunk of WAVE_FORMAT_EXTENSIBLE is truncated");
			}
			// the sub-format GUID starts with the ordinary format tag
			format = uint16(wav, fmt + 24);
		}
		if (format != FORMAT_PCM) {
			throw new IllegalArgumentException(
					"WAV encoding " + formatName(format) + " is not supported; only 16-bit integer PCM is");
		}
		if (bits != 16) {
			throw new IllegalArgumentException("WAV sample size of " + bits + " bits is not supported; only 16-bit PCM is");
		}
	}

	private static String formatName(int format) {
		String name = switch (format) {
			case 2 -> "Microsoft ADPCM";
			case 3 -> "IEEE float";
			case 6 -> "G.711 A-law";
			case 7 -> "G.711 µ-law";
			case 0x11 -> "IMA ADPCM";
			case 0x55 -> "MPEG Layer 3";
			default -> "unknown";
		};
		return "'" + name + "' (format tag " + format + ")";
	}

	private static short[] downmix(byte[] wav, int offset, int frames, int channels) {
		short[] samples = new short[frames];
		int at = offset;
		for (int frame = 0; frame < frames; frame++) {
			int sum = 0;
			for (int channel = 0; channel < channels; channel++) {
				sum += (short) ((wav[at] & 0xFF) | (wav[at + 1] << 8));
				at += 2;
			}
			samples[frame] = (short) Math.floorDiv(sum, channels);
		}
		return samples;
	}

	private static boolean tag(byte[] bytes, int at, String tag) {
		for (int i = 0; i < 4; i++) {
			if (bytes[at + i] != tag.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	private static int uint16(byte[] bytes, int at) {
		return (bytes[at] & 0xFF) | ((bytes[at + 1] & 0xFF) << 8);
	}

	private static long uint32(byte[] bytes, int at) {
		return uint16(bytes, at) | ((long) uint16(bytes, at + 2) << 16);
	}

	private static void putTag(byte[] bytes, int at, String tag) {
		for (int i = 0; i < 4; i++) {
			bytes[at + i] = (byte) tag.charAt(i);
		}
	}

	private static void putShort(byte[] bytes, int at, int value) {
		bytes[at] = (byte) value;
		bytes[at + 1] = (byte) (value >> 8);
	}

	private static void putInt(byte[] bytes, int at, int value) {
		putShort(bytes, at, value);
		putShort(bytes, at + 2, value >>> 16);
	}

}

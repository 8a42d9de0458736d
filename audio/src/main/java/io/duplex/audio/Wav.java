package io.duplex.audio;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Reads RIFF/WAVE files of 16-bit integer PCM at any sample rate and channel count, and writes
 * mono PCM16 samples as a WAV file.
 * <p>
 * Anything else (8-bit, 24-bit, float, G.711 or compressed WAV, big-endian RIFX, RF64) is rejected
 * with a {@link FormatException} that names what the file holds, because the caller is usually
 * relaying the message to whoever uploaded it; its {@link FormatException#problem()} lets a caller
 * word the message its own way.
 * @see <a href="https://www.mmsp.ece.mcgill.ca/Documents/AudioFormats/WAVE/WAVE.html">WAVE format</a>
 */
public final class Wav {

	/** The format tag of integer PCM. */
	public static final int FORMAT_PCM = 1;

	private static final int FORMAT_EXTENSIBLE = 0xFFFE;

	private static final int HEADER_SIZE = 44;

	private static final int BYTES_PER_SAMPLE = 2;

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
	 * A WAV file's samples as it holds them, all channels.
	 * @param sampleRate frames per second
	 * @param channels samples per frame
	 * @param interleaved the whole frames, channel after channel
	 */
	public record Frames(int sampleRate, int channels, short[] interleaved) {

		/** The frames with their channels averaged into one, rounded down. */
		public Clip mono() {
			int frames = this.interleaved.length / this.channels;
			short[] samples = new short[frames];
			int at = 0;
			for (int frame = 0; frame < frames; frame++) {
				int sum = 0;
				for (int channel = 0; channel < this.channels; channel++) {
					sum += this.interleaved[at++];
				}
				samples[frame] = (short) Math.floorDiv(sum, this.channels);
			}
			return new Clip(this.sampleRate, samples);
		}

	}

	/** Why a file is refused: a caller may word it its own way. */
	public enum Problem {

		/** Not a RIFF/WAVE file. */
		NOT_WAV,
		/** A RIFF/WAVE header of another container (RIFX, RF64). */
		CONTAINER,
		/** A {@code fmt } chunk too short to read. */
		BROKEN_FORMAT,
		/** Not 16-bit integer PCM ({@link FormatException#format()}, {@link FormatException#bits()}). */
		ENCODING,
		/** No channels or no sample rate. */
		LAYOUT,
		/** The {@code data} chunk comes before the {@code fmt } chunk. */
		DATA_BEFORE_FORMAT,
		/** No {@code fmt } chunk. */
		NO_FORMAT,
		/** No {@code data} chunk. */
		NO_DATA

	}

	/** A file this class does not read; the message names what it holds. */
	public static final class FormatException extends IllegalArgumentException {

		private static final long serialVersionUID = 1L;

		private final Problem problem;

		private final int format;

		private final int bits;

		private final int channels;

		private final int sampleRate;

		FormatException(Problem problem, int format, int bits, int channels, int sampleRate, String message) {
			super(message);
			this.problem = problem;
			this.format = format;
			this.bits = bits;
			this.channels = channels;
			this.sampleRate = sampleRate;
		}

		public Problem problem() {
			return this.problem;
		}

		/** The format tag the file declares (the sub-format's for an extensible file); 0 if unread. */
		public int format() {
			return this.format;
		}

		/** The bits per sample the file declares; 0 if unread. */
		public int bits() {
			return this.bits;
		}

		/** The channels the file declares; 0 if unread. */
		public int channels() {
			return this.channels;
		}

		/** The sample rate the file declares; 0 if unread. */
		public int sampleRate() {
			return this.sampleRate;
		}

	}

	/**
	 * The audio of a WAV file, with all channels averaged into one. A {@code data} chunk that
	 * claims more bytes than the file holds (as files still being written do) is read up to the
	 * end of the file.
	 * @throws FormatException if the bytes are not a WAV file of 16-bit integer PCM
	 */
	public static Clip read(byte[] wav) {
		return frames(wav).mono();
	}

	/**
	 * The frames of a WAV file, as {@link #read} reads them but with their channels apart.
	 * @throws FormatException if the bytes are not a WAV file of 16-bit integer PCM
	 */
	public static Frames frames(byte[] wav) {
		if (wav.length < 12 || !tag(wav, 8, "WAVE")) {
			throw problem(Problem.NOT_WAV, "Not a WAV file: it does not start with a RIFF/WAVE header");
		}
		if (!tag(wav, 0, "RIFF")) {
			throw problem(Problem.CONTAINER, "WAV container '" + new String(wav, 0, 4, StandardCharsets.ISO_8859_1)
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
					throw problem(Problem.BROKEN_FORMAT, "WAV 'fmt ' chunk is truncated");
				}
				checkEncoding(wav, body, size);
				channels = uint16(wav, body + 2);
				sampleRate = (int) Math.min(uint32(wav, body + 4), Integer.MAX_VALUE);
				if (channels == 0 || sampleRate == 0) {
					throw new FormatException(Problem.LAYOUT, FORMAT_PCM, 16, channels, sampleRate,
							"WAV file declares " + channels + " channels at " + sampleRate + " Hz");
				}
			}
			else if (tag(wav, at, "data")) {
				if (channels == 0) {
					throw problem(Problem.DATA_BEFORE_FORMAT,
							"WAV file has its 'data' chunk before its 'fmt ' chunk");
				}
				int available = (int) Math.min(size, wav.length - body);
				short[] interleaved = new short[available / (BYTES_PER_SAMPLE * channels) * channels];
				for (int i = 0; i < interleaved.length; i++) {
					interleaved[i] = (short) uint16(wav, body + BYTES_PER_SAMPLE * i);
				}
				return new Frames(sampleRate, channels, interleaved);
			}
			// chunks are padded to an even length
			at = (int) Math.min(body + size + (size & 1), Integer.MAX_VALUE);
		}
		throw (channels == 0) ? problem(Problem.NO_FORMAT, "WAV file has no 'fmt ' chunk")
				: problem(Problem.NO_DATA, "WAV file has no 'data' chunk");
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
		int dataSize = count * BYTES_PER_SAMPLE;
		byte[] wav = new byte[HEADER_SIZE + dataSize];
		putTag(wav, 0, "RIFF");
		putInt(wav, 4, HEADER_SIZE - 8 + dataSize);
		putTag(wav, 8, "WAVE");
		putTag(wav, 12, "fmt ");
		putInt(wav, 16, 16);
		putShort(wav, 20, FORMAT_PCM);
		putShort(wav, 22, 1);
		putInt(wav, 24, sampleRate);
		putInt(wav, 28, sampleRate * BYTES_PER_SAMPLE);
		putShort(wav, 32, BYTES_PER_SAMPLE);
		putShort(wav, 34, 16);
		putTag(wav, 36, "data");
		putInt(wav, 40, dataSize);
		for (int i = 0; i < count; i++) {
			putShort(wav, HEADER_SIZE + BYTES_PER_SAMPLE * i, samples[offset + i]);
		}
		return wav;
	}

	private static void checkEncoding(byte[] wav, int fmt, long size) {
		int format = uint16(wav, fmt);
		int bits = uint16(wav, fmt + 14);
		if (format == FORMAT_EXTENSIBLE) {
			if (size < 40 || fmt + 26 > wav.length) {
				throw new FormatException(Problem.ENCODING, format, bits, 0, 0,
						"WAV 'fmt ' chunk of WAVE_FORMAT_EXTENSIBLE is truncated");
			}
			// the sub-format GUID starts with the ordinary format tag
			format = uint16(wav, fmt + 24);
		}
		if (format != FORMAT_PCM) {
			throw new FormatException(Problem.ENCODING, format, bits, 0, 0,
					"WAV encoding " + formatName(format) + " is not supported; only 16-bit integer PCM is");
		}
		if (bits != 16) {
			throw new FormatException(Problem.ENCODING, format, bits, 0, 0,
					"WAV sample size of " + bits + " bits is not supported; only 16-bit PCM is");
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

	private static FormatException problem(Problem problem, String message) {
		return new FormatException(problem, 0, 0, 0, 0, message);
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

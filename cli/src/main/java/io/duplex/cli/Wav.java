package io.duplex.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads 16-bit PCM WAV files of any sample rate and channel count as the realtime protocol's
 * audio (PCM16, 24 kHz, mono), and writes that audio back as WAV.
 * @see <a href="https://www.mmsp.ece.mcgill.ca/Documents/AudioFormats/WAVE/WAVE.html">WAVE format</a>
 */
final class Wav {

	/** The protocol's sample rate. */
	static final int RATE = 24_000;

	private static final int PCM = 1;

	private static final int EXTENSIBLE = 0xFFFE;

	private Wav() {
	}

	/**
	 * A WAV file's audio, as the protocol wants it, and what it was.
	 * @param samples PCM16 24 kHz mono
	 * @param rate the file's sample rate
	 * @param channels the file's channel count
	 */
	record Clip(short[] samples, int rate, int channels) {

		double seconds() {
			return (double) this.samples.length / RATE;
		}

	}

	/**
	 * The audio of a WAV file as PCM16 24 kHz mono.
	 * @throws CliException when the file is missing, not a WAV file, or not 16-bit PCM
	 */
	static Clip read(Path file) {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(file);
		}
		catch (NoSuchFileException ex) {
			throw new CliException(file + " does not exist. Make a test file with: duplex talk --make-wav " + file);
		}
		catch (IOException ex) {
			throw new CliException("Could not read " + file + ": " + ex.getMessage(), ex);
		}
		return decode(bytes, file.toString());
	}

	/** The samples of a WAV file's bytes, downmixed and resampled to 24 kHz mono. */
	static Clip decode(byte[] bytes, String name) {
		ByteBuffer wav = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		if (bytes.length < 12 || !ascii(bytes, 0, "RIFF") || !ascii(bytes, 8, "WAVE")) {
			throw new CliException(name + " is not a WAV file (no RIFF/WAVE header).");
		}
		int format = -1;
		int channels = 0;
		int rate = 0;
		int bits = 0;
		int position = 12;
		while (position + 8 <= bytes.length) {
			String id = new String(bytes, position, 4, StandardCharsets.US_ASCII);
			long size = Integer.toUnsignedLong(wav.getInt(position + 4));
			int body = position + 8;
			if (id.equals("fmt ")) {
				if (size < 16 || body + 16 > bytes.length) {
					throw new CliException(name + " has a broken fmt chunk.");
				}
				format = wav.getShort(body) & 0xFFFF;
				channels = wav.getShort(body + 2) & 0xFFFF;
				rate = wav.getInt(body + 4);
				bits = wav.getShort(body + 14) & 0xFFFF;
				if (format == EXTENSIBLE && size >= 40 && body + 26 <= bytes.length) {
					// the first two bytes of the sub-format GUID are the actual format tag
					format = wav.getShort(body + 24) & 0xFFFF;
				}
			}
			else if (id.equals("data")) {
				if (format < 0) {
					throw new CliException(name + " has its data before its fmt chunk.");
				}
				check(name, format, channels, rate, bits);
				// a streamed WAV may claim more data than it has (or 0xFFFFFFFF): read what is there
				int length = (int) Math.min(size, bytes.length - body);
				return new Clip(toMono24k(samples(wav, body, length / 2), channels, rate), rate, channels);
			}
			// chunks are word-aligned: an odd size is followed by a pad byte
			position = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
		}
		throw new CliException(name + " has no data chunk.");
	}

	private static void check(String name, int format, int channels, int rate, int bits) {
		if (format != PCM || bits != 16) {
			String what = switch (format) {
				case PCM -> bits + "-bit PCM";
				case 3 -> bits + "-bit float";
				case 6 -> "A-law";
				case 7 -> "µ-law";
				default -> "format " + format;
			};
			throw new CliException(name + " is " + what + " audio; duplex talk reads 16-bit PCM WAV only "
					+ "(convert it, e.g. 'sox " + name + " -b 16 -e signed-integer out.wav').");
		}
		if (channels < 1 || rate < 1000 || rate > 384_000) {
			throw new CliException(
					name + " claims " + channels + " channels at " + rate + " Hz, which is not audio we can use.");
		}
	}

	private static short[] samples(ByteBuffer wav, int offset, int count) {
		short[] samples = new short[count];
		for (int i = 0; i < count; i++) {
			samples[i] = wav.getShort(offset + 2 * i);
		}
		return samples;
	}

	/** Interleaved 16-bit frames of {@code channels} at {@code rate}, averaged to mono and resampled to 24 kHz. */
	static short[] toMono24k(short[] interleaved, int channels, int rate) {
		int frames = interleaved.length / channels;
		double[] mono = new double[frames];
		for (int f = 0; f < frames; f++) {
			double sum = 0;
			for (int c = 0; c < channels; c++) {
				sum += interleaved[f * channels + c];
			}
			mono[f] = sum / channels;
		}
		return resample(mono, rate, RATE);
	}

	/**
	 * Linear interpolation from one rate to another. It does not low-pass before downsampling,
	 * which is fine for speech sent to a voice agent (little energy near the new Nyquist), not
	 * for music.
	 */
	static short[] resample(double[] input, int from, int to) {
		if (input.length == 0) {
			return new short[0];
		}
		int length = (int) ((long) input.length * to / from);
		short[] output = new short[length];
		for (int i = 0; i < length; i++) {
			double position = (double) i * from / to;
			int left = (int) position;
			int right = Math.min(left + 1, input.length - 1);
			double fraction = position - left;
			output[i] = saturate(input[left] + (input[right] - input[left]) * fraction);
		}
		return output;
	}

	static short saturate(double sample) {
		return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(sample)));
	}

	/** The bytes of a WAV file holding {@code samples} (mono, 16-bit) at {@code rate}. */
	static byte[] encode(short[] samples, int rate) {
		ByteBuffer wav = ByteBuffer.allocate(44 + 2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
		wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * samples.length);
		wav.put("WAVE".getBytes(StandardCharsets.US_ASCII));
		wav.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) PCM).putShort((short) 1);
		wav.putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16);
		wav.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * samples.length);
		for (short sample : samples) {
			wav.putShort(sample);
		}
		return wav.array();
	}

	static void write(Path file, short[] samples) {
		try {
			Path parent = file.toAbsolutePath().getParent();
			if (parent != null) {
				Files.createDirectories(parent);
			}
			Files.write(file, encode(samples, RATE));
		}
		catch (IOException ex) {
			throw new CliException("Could not write " + file + ": " + ex.getMessage(), ex);
		}
	}

	/** Little-endian PCM16 bytes as samples. */
	static short[] fromPcm(byte[] pcm) {
		return samples(ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN), 0, pcm.length / 2);
	}

	/** Samples as little-endian PCM16 bytes, the protocol's wire format. */
	static byte[] toPcm(short[] samples, int from, int count) {
		ByteBuffer pcm = ByteBuffer.allocate(2 * count).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < count; i++) {
			pcm.putShort(samples[from + i]);
		}
		return pcm.array();
	}

	private static boolean ascii(byte[] bytes, int offset, String text) {
		return new String(bytes, offset, 4, StandardCharsets.US_ASCII).equals(text);
	}

}

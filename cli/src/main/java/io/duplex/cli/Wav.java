package io.duplex.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import io.duplex.audio.SpeechTone;

/**
 * WAV files for the command line: reads 16-bit PCM WAV files of any sample rate and channel count
 * (through {@link io.duplex.audio.Wav}, the one WAV reader and writer) as the realtime protocol's
 * audio (PCM16, 24 kHz, mono), and writes that audio back as WAV; a file that cannot be used is a
 * {@link CliException} that says what to do.
 */
final class Wav {

	/** The protocol's sample rate. */
	static final int RATE = SpeechTone.SAMPLE_RATE;

	private static final int PCM = io.duplex.audio.Wav.FORMAT_PCM;

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
		io.duplex.audio.Wav.Frames frames;
		try {
			frames = io.duplex.audio.Wav.frames(bytes);
		}
		catch (io.duplex.audio.Wav.FormatException ex) {
			throw new CliException(refusal(name, ex));
		}
		int channels = frames.channels();
		int rate = frames.sampleRate();
		if (rate < 1000 || rate > 384_000) {
			throw new CliException(unusable(name, channels, rate));
		}
		return new Clip(toMono24k(frames.interleaved(), channels, rate), rate, channels);
	}

	/** Why a file is refused, in the command line's words. */
	private static String refusal(String name, io.duplex.audio.Wav.FormatException ex) {
		return switch (ex.problem()) {
			case NOT_WAV, CONTAINER -> name + " is not a WAV file (no RIFF/WAVE header).";
			case BROKEN_FORMAT -> name + " has a broken fmt chunk.";
			case DATA_BEFORE_FORMAT -> name + " has its data before its fmt chunk.";
			case NO_FORMAT, NO_DATA -> name + " has no data chunk.";
			case LAYOUT -> unusable(name, ex.channels(), ex.sampleRate());
			case ENCODING -> {
				int bits = ex.bits();
				String what = switch (ex.format()) {
					case PCM -> bits + "-bit PCM";
					case 3 -> bits + "-bit float";
					case 6 -> "A-law";
					case 7 -> "µ-law";
					default -> "format " + ex.format();
				};
				yield name + " is " + what + " audio; duplex talk reads 16-bit PCM WAV only "
						+ "(convert it, e.g. 'sox " + name + " -b 16 -e signed-integer out.wav').";
			}
		};
	}

	private static String unusable(String name, int channels, int rate) {
		return name + " claims " + channels + " channels at " + rate + " Hz, which is not audio we can use.";
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
			output[i] = SpeechTone.saturate(input[left] + (input[right] - input[left]) * fraction);
		}
		return output;
	}

	/** The bytes of a WAV file holding {@code samples} (mono, 16-bit) at {@code rate}. */
	static byte[] encode(short[] samples, int rate) {
		return io.duplex.audio.Wav.write(samples, rate);
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
		ByteBuffer bytes = ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN);
		short[] samples = new short[pcm.length / 2];
		for (int i = 0; i < samples.length; i++) {
			samples[i] = bytes.getShort(2 * i);
		}
		return samples;
	}

	/** Samples as little-endian PCM16 bytes, the protocol's wire format. */
	static byte[] toPcm(short[] samples, int from, int count) {
		ByteBuffer pcm = ByteBuffer.allocate(2 * count).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < count; i++) {
			pcm.putShort(samples[from + i]);
		}
		return pcm.array();
	}

}

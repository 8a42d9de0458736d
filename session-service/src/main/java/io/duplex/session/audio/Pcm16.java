package io.duplex.session.audio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * 16-bit signed little-endian PCM: conversion between wire bytes and samples, and the level of a
 * stretch of samples.
 * <p>
 * Levels are in dBFS relative to a full-scale square wave: RMS 32768 is 0 dBFS, so a full-scale
 * sine reads -3.01 dBFS. Digital silence reads {@link #MIN_DBFS} rather than negative infinity so
 * that levels can be averaged and compared without special cases.
 */
public final class Pcm16 {

	public static final int BYTES_PER_SAMPLE = 2;

	/** The lowest level reported; below the quantisation noise of 16-bit audio (about -101 dBFS). */
	public static final double MIN_DBFS = -100.0;

	private static final double FULL_SCALE = 32768.0;

	/** Reads a sample as one 16-bit load instead of two byte loads, allocating nothing. */
	private static final VarHandle LITTLE_ENDIAN_SHORT = MethodHandles.byteArrayViewVarHandle(short[].class,
			ByteOrder.LITTLE_ENDIAN);

	/** The mean square that {@link #MIN_DBFS} stands for. */
	private static final double MIN_MEAN_SQUARE = FULL_SCALE * FULL_SCALE * Math.pow(10, MIN_DBFS / 10);

	private Pcm16() {
	}

	/** The samples in {@code bytes}, whose length must be even. */
	public static short[] toShorts(byte[] bytes) {
		if ((bytes.length & 1) != 0) {
			throw new IllegalArgumentException("PCM16 needs an even number of bytes, got " + bytes.length);
		}
		short[] samples = new short[bytes.length / 2];
		toShorts(bytes, 0, samples, 0, samples.length);
		return samples;
	}

	/** Reads {@code count} samples from {@code bytes} at {@code offset} into {@code samples}. */
	public static void toShorts(byte[] bytes, int offset, short[] samples, int samplesOffset, int count) {
		for (int i = 0; i < count; i++) {
			samples[samplesOffset + i] = (short) LITTLE_ENDIAN_SHORT.get(bytes, offset + 2 * i);
		}
	}

	public static byte[] toBytes(short[] samples) {
		return toBytes(samples, 0, samples.length);
	}

	public static byte[] toBytes(short[] samples, int offset, int count) {
		byte[] bytes = new byte[2 * count];
		toBytes(samples, offset, count, bytes, 0);
		return bytes;
	}

	/** Writes {@code count} samples as {@code 2 * count} bytes into {@code bytes} at {@code bytesOffset}. */
	public static void toBytes(short[] samples, int offset, int count, byte[] bytes, int bytesOffset) {
		for (int i = 0; i < count; i++) {
			short sample = samples[offset + i];
			int at = bytesOffset + 2 * i;
			bytes[at] = (byte) sample;
			bytes[at + 1] = (byte) (sample >> 8);
		}
	}

	/** Root mean square of the samples, in sample units (0 to 32768); 0 for no samples. */
	public static double rms(short[] samples, int offset, int count) {
		return Math.sqrt(meanSquare(samples, offset, count));
	}

	/** Level of the samples in dBFS, never below {@link #MIN_DBFS}. */
	public static double dbfs(short[] samples, int offset, int count) {
		return dbfsOfMeanSquare(meanSquare(samples, offset, count));
	}

	public static double dbfs(short[] samples) {
		return dbfs(samples, 0, samples.length);
	}

	/** Rounds and clamps to the range of a sample, so that overshoot saturates instead of wrapping. */
	public static short saturate(double value) {
		long rounded = Math.round(value);
		return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, rounded));
	}

	static double meanSquare(short[] samples, int offset, int count) {
		if (count == 0) {
			return 0;
		}
		// a long cannot overflow: 2^30 per sample, so 2^33 samples would be needed
		long sum = 0;
		for (int i = offset; i < offset + count; i++) {
			int sample = samples[i];
			sum += sample * sample;
		}
		return (double) sum / count;
	}

	static double dbfsOfMeanSquare(double meanSquare) {
		if (meanSquare <= MIN_MEAN_SQUARE) {
			return MIN_DBFS;
		}
		return 10 * Math.log10(meanSquare / (FULL_SCALE * FULL_SCALE));
	}

}

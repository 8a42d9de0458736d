package io.duplex.session.protocol;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Decodes standard base64 (RFC 4648, section 4) straight from a parser's character buffer, so an
 * audio frame's payload needs no intermediate {@code String}. It accepts only what
 * {@link java.util.Base64#getDecoder()} accepts and decodes it the same way; for anything it is
 * unsure of it answers {@code null} and the caller asks that decoder, whose verdict stands.
 */
final class Base64Chars {

	private static final int[] VALUES = new int[128];

	static {
		Arrays.fill(VALUES, -1);
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		for (int i = 0; i < alphabet.length(); i++) {
			VALUES[alphabet.charAt(i)] = i;
		}
	}

	private Base64Chars() {
	}

	/**
	 * The bytes {@code chars[offset, offset + length)} encode, padding optional; {@code null} for
	 * any character outside the alphabet, misplaced padding, a dangling last character, or unused
	 * trailing bits that are not zero.
	 */
	static byte @Nullable [] decode(char[] chars, int offset, int length) {
		int end = offset + length;
		if (length >= 1 && chars[end - 1] == '=') {
			end--;
			if (length >= 2 && chars[end - 1] == '=') {
				end--;
			}
			if (length % 4 != 0) {
				return null;
			}
		}
		int data = end - offset;
		int tail = data % 4;
		if (tail == 1 || (end < offset + length && tail == 0)) {
			return null;
		}
		byte[] out = new byte[data / 4 * 3 + ((tail == 0) ? 0 : tail - 1)];
		int in = offset;
		int at = 0;
		int fullEnd = offset + data - tail;
		while (in < fullEnd) {
			int bits = (value(chars[in]) << 18) | (value(chars[in + 1]) << 12) | (value(chars[in + 2]) << 6)
					| value(chars[in + 3]);
			if (bits < 0) {
				return null;
			}
			out[at++] = (byte) (bits >> 16);
			out[at++] = (byte) (bits >> 8);
			out[at++] = (byte) bits;
			in += 4;
		}
		if (tail == 2) {
			int a = value(chars[in]);
			int b = value(chars[in + 1]);
			if (a < 0 || b < 0 || (b & 0x0F) != 0) {
				return null;
			}
			out[at] = (byte) ((a << 2) | (b >> 4));
		}
		else if (tail == 3) {
			int a = value(chars[in]);
			int b = value(chars[in + 1]);
			int c = value(chars[in + 2]);
			if (a < 0 || b < 0 || c < 0 || (c & 0x03) != 0) {
				return null;
			}
			out[at++] = (byte) ((a << 2) | (b >> 4));
			out[at] = (byte) ((b << 4) | (c >> 2));
		}
		return out;
	}

	/** The 6-bit value of {@code c}, or -1: shifted and or-ed with others it stays negative. */
	private static int value(char c) {
		return (c < 128) ? VALUES[c] : -1;
	}

}

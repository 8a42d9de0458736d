package io.duplex.core.id;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * Makes prefixed, time-ordered identifiers such as {@code ten_01JDQ4S0X5V9M2KZ7W8T3H6R1C}.
 * <p>
 * The part after the prefix is a ULID: 48 bits of milliseconds then 80 random bits, in
 * Crockford base32. Ids of one kind sort by creation time (in the "C" collation the tables use),
 * which is what cursor pagination relies on.
 */
public final class Ids {

	private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final Clock CLOCK = Clock.systemUTC();

	private Ids() {
	}

	/** A new id such as {@code agt_01J...}; {@code prefix} is given without the underscore. */
	public static String newId(String prefix) {
		return prefix + "_" + ulid(CLOCK.millis());
	}

	/** A random token of {@code length} base32 characters (5 bits each), for secrets. */
	public static String randomToken(int length) {
		char[] out = new char[length];
		for (int i = 0; i < length; i++) {
			out[i] = ALPHABET[RANDOM.nextInt(32)];
		}
		return new String(out).toLowerCase(java.util.Locale.ROOT);
	}

	/** The last id's time and 80 random bits (two halves of 40), for monotonic ids. */
	private static long lastMillis = -1;

	private static long randomHigh;

	private static long randomLow;

	private static final long FORTY_BITS = (1L << 40) - 1;

	/**
	 * A ULID in monotonic mode: within one millisecond (or if the clock steps back) the random
	 * part of the previous id is incremented, so ids made one after another always sort in that
	 * order, which cursor pagination relies on.
	 */
	static synchronized String ulid(long millis) {
		if (millis <= lastMillis) {
			millis = lastMillis;
			randomLow = (randomLow + 1) & FORTY_BITS;
			if (randomLow == 0) {
				randomHigh = (randomHigh + 1) & FORTY_BITS;
			}
		}
		else {
			lastMillis = millis;
			byte[] random = new byte[10];
			RANDOM.nextBytes(random);
			randomHigh = 0;
			randomLow = 0;
			for (int i = 0; i < 5; i++) {
				randomHigh = (randomHigh << 8) | (random[i] & 0xff);
				randomLow = (randomLow << 8) | (random[i + 5] & 0xff);
			}
		}
		char[] out = new char[26];
		long time = millis;
		for (int i = 9; i >= 0; i--) {
			out[i] = ALPHABET[(int) (time & 31)];
			time >>>= 5;
		}
		long high = randomHigh;
		long low = randomLow;
		for (int i = 17; i >= 10; i--) {
			out[i] = ALPHABET[(int) (high & 31)];
			high >>>= 5;
		}
		for (int i = 25; i >= 18; i--) {
			out[i] = ALPHABET[(int) (low & 31)];
			low >>>= 5;
		}
		return new String(out);
	}

	/** Whether {@code id} has the shape of an id made here with {@code prefix}. */
	public static boolean looksLike(String prefix, String id) {
		if (id.length() != prefix.length() + 27 || !id.startsWith(prefix + "_")) {
			return false;
		}
		for (int i = prefix.length() + 1; i < id.length(); i++) {
			if (java.util.Arrays.binarySearch(ALPHABET, id.charAt(i)) < 0) {
				return false;
			}
		}
		return true;
	}

}

package io.duplex.session.protocol;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids in OpenAI's shapes ({@code event_…}, {@code item_…}, {@code resp_…}, …) whose body is a
 * ULID: 48 bits of milliseconds and 80 random bits in Crockford base32, 26 characters. They sort
 * by creation time, which keeps logs and stored items in order, and cost no lock to make, which
 * matters at one event id per 20 ms audio delta per session. The random part comes from
 * {@link ThreadLocalRandom}: these ids name things, they authorise nothing.
 * @see <a href="https://github.com/ulid/spec">ULID specification</a>
 */
public final class Ids {

	private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private Ids() {
	}

	/** A server event id, {@code event_…}. */
	public static String event() {
		return next("event_");
	}

	/** A conversation item id, {@code item_…}. */
	public static String item() {
		return next("item_");
	}

	/** A response id, {@code resp_…}. */
	public static String response() {
		return next("resp_");
	}

	/** A function call id, {@code call_…}. */
	public static String call() {
		return next("call_");
	}

	/** {@code prefix} followed by a fresh ULID. */
	public static String next(String prefix) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long time = System.currentTimeMillis();
		// 80 random bits: the low 16 of one long and all 64 of another
		long high = random.nextLong() & 0xFFFFL;
		long low = random.nextLong();
		char[] id = new char[prefix.length() + 26];
		prefix.getChars(0, prefix.length(), id, 0);
		int at = prefix.length();
		for (int shift = 45; shift >= 0; shift -= 5) {
			id[at++] = CROCKFORD[(int) (time >>> shift) & 31];
		}
		// the random part is 16 characters: 80 bits as (16 high bits << 64 | 64 low bits)
		for (int i = 15; i >= 0; i--) {
			int bitOffset = i * 5;
			int digit;
			if (bitOffset >= 64) {
				digit = (int) (high >>> (bitOffset - 64)) & 31;
			}
			else if (bitOffset > 59) {
				digit = (int) ((low >>> bitOffset) | (high << (64 - bitOffset))) & 31;
			}
			else {
				digit = (int) (low >>> bitOffset) & 31;
			}
			id[at++] = CROCKFORD[digit];
		}
		return new String(id);
	}

}

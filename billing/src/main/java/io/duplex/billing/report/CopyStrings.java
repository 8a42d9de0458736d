package io.duplex.billing.report;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The strings of one column of {@link CopyRow}s, made once per distinct value: a fixed table of the
 * values last seen, found by the bytes' hash, so a column that repeats (tenants, models, metrics, a
 * session's consecutive rows) costs no string per row, and memory stays constant whatever the
 * export. A value the table has no room for is made again next time, never wrong.
 */
final class CopyStrings {

	private final byte[][] keys;

	private final String[] values;

	private final int mask;

	/** @param slots a power of two */
	CopyStrings(int slots) {
		this.keys = new byte[slots][];
		this.values = new String[slots];
		this.mask = slots - 1;
	}

	/** The value last returned: a column often repeats the row before's (a session's rows are adjacent). */
	private byte @Nullable [] lastKey;

	private @Nullable String lastValue;

	@Nullable String get(CopyRow row, int column) {
		if (!row.isPlain(column) || row.isNull(column)) {
			return row.string(column);
		}
		byte[] bytes = row.bytes();
		int start = row.start(column);
		int end = row.end(column);
		byte[] last = this.lastKey;
		if (last != null && Arrays.equals(last, 0, last.length, bytes, start, end)) {
			return this.lastValue;
		}
		int slot = slot(bytes, start, end);
		byte[] key = this.keys[slot];
		String value;
		if (key != null && Arrays.equals(key, 0, key.length, bytes, start, end)) {
			value = this.values[slot];
		}
		else {
			key = Arrays.copyOfRange(bytes, start, end);
			value = new String(key, StandardCharsets.UTF_8);
			this.keys[slot] = key;
			this.values[slot] = value;
		}
		this.lastKey = key;
		this.lastValue = value;
		return value;
	}

	/**
	 * A slot from the length and the last (and first) bytes, without reading the whole value:
	 * values of a column tend to differ at their end (ids, counters). A poor spread costs misses,
	 * never a wrong value.
	 */
	private int slot(byte[] bytes, int start, int end) {
		int length = end - start;
		int hash = length;
		for (int i = Math.max(start, end - 8); i < end; i++) {
			hash = 31 * hash + bytes[i];
		}
		if (length > 0) {
			hash = 31 * hash + bytes[start];
		}
		hash *= 0x9E3779B9;
		return (hash ^ (hash >>> 16)) & this.mask;
	}

}

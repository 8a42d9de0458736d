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

	@Nullable String get(CopyRow row, int column) {
		if (!row.isPlain(column) || row.isNull(column)) {
			return row.string(column);
		}
		byte[] bytes = row.bytes();
		int start = row.start(column);
		int end = row.end(column);
		int hash = 1;
		for (int i = start; i < end; i++) {
			hash = 31 * hash + bytes[i];
		}
		int slot = (hash ^ (hash >>> 16)) & this.mask;
		byte[] key = this.keys[slot];
		if (key != null && Arrays.equals(key, 0, key.length, bytes, start, end)) {
			return this.values[slot];
		}
		String value = new String(bytes, start, end - start, StandardCharsets.UTF_8);
		this.keys[slot] = Arrays.copyOfRange(bytes, start, end);
		this.values[slot] = value;
		return value;
	}

}

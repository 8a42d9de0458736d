package io.duplex.billing.report;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * An export's text written straight as UTF-8 into chunks of {@value #CHUNK} bytes, each handed to
 * the response whole: no string per row, no copy per chunk. Rows may span two chunks (the body is
 * one stream).
 */
final class ExportBuffer {

	static final int CHUNK = 64 * 1024;

	/** Slots of {@link #repeated}'s cache (a power of two). */
	private static final int SLOTS = 1024;

	private final ArrayDeque<byte[]> full = new ArrayDeque<>();

	private final Object[] repeatedValues = new Object[SLOTS];

	private final byte[][] repeatedFields = new byte[SLOTS][];

	private byte[] bytes = new byte[CHUNK];

	private int length;

	/** {@code text} as UTF-8. */
	ExportBuffer text(String text) {
		int n = text.length();
		if (this.bytes.length - this.length >= n) {
			// the common case: ASCII that fits, one byte per char without a bounds check each
			byte[] out = this.bytes;
			int at = this.length;
			for (int i = 0; i < n; i++) {
				char c = text.charAt(i);
				if (c >= 0x80) {
					this.length = at;
					bytes(text.substring(i).getBytes(StandardCharsets.UTF_8));
					return this;
				}
				out[at++] = (byte) c;
			}
			this.length = at;
			return this;
		}
		for (int i = 0; i < n; i++) {
			char c = text.charAt(i);
			if (c >= 0x80) {
				return bytes(text.substring(i).getBytes(StandardCharsets.UTF_8));
			}
			put((byte) c);
		}
		return this;
	}

	/** An RFC 4180 field: as {@link CsvFormat#field}, written without a string of its own when unquoted. */
	ExportBuffer field(@Nullable String value) {
		if (value == null) {
			return this;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == ',' || c == '"' || c == '\r' || c == '\n') {
				return text(CsvFormat.field(value));
			}
		}
		return text(value);
	}

	/**
	 * As {@link #field} for a value rows repeat (ids, models, tags): encoded once and copied after,
	 * found by the string's identity (the reader gives the same instance for the same value).
	 */
	ExportBuffer repeated(@Nullable String value) {
		if (value == null) {
			return this;
		}
		int slot = System.identityHashCode(value) & (SLOTS - 1);
		byte[] field = this.repeatedFields[slot];
		if (this.repeatedValues[slot] != value || field == null) {
			field = CsvFormat.field(value).getBytes(StandardCharsets.UTF_8);
			this.repeatedValues[slot] = value;
			this.repeatedFields[slot] = field;
		}
		return bytes(field);
	}

	/** As {@link #plain} for a value rows repeat (a unit price): as {@link #repeated}. */
	ExportBuffer repeatedPlain(@Nullable BigDecimal value) {
		if (value == null) {
			return this;
		}
		int slot = System.identityHashCode(value) & (SLOTS - 1);
		byte[] field = this.repeatedFields[slot];
		if (this.repeatedValues[slot] != value || field == null) {
			field = value.toPlainString().getBytes(StandardCharsets.US_ASCII);
			this.repeatedValues[slot] = value;
			this.repeatedFields[slot] = field;
		}
		return bytes(field);
	}

	/** The plain string of {@code value}; nothing when null. */
	ExportBuffer plain(@Nullable BigDecimal value) {
		return (value != null) ? text(value.toPlainString()) : this;
	}

	ExportBuffer comma() {
		return put((byte) ',');
	}

	ExportBuffer crlf() {
		return put((byte) '\r').put((byte) '\n');
	}

	ExportBuffer bytes(byte[] source) {
		if (this.bytes.length - this.length >= source.length) {
			System.arraycopy(source, 0, this.bytes, this.length, source.length);
			this.length += source.length;
			return this;
		}
		int from = 0;
		while (from < source.length) {
			if (this.length == this.bytes.length) {
				spill();
			}
			int n = Math.min(source.length - from, this.bytes.length - this.length);
			System.arraycopy(source, from, this.bytes, this.length, n);
			this.length += n;
			from += n;
		}
		return this;
	}

	private ExportBuffer put(byte b) {
		if (this.length == this.bytes.length) {
			spill();
		}
		this.bytes[this.length++] = b;
		return this;
	}

	private void spill() {
		this.full.add(this.bytes);
		this.bytes = new byte[CHUNK];
		this.length = 0;
	}

	/** A full chunk, oldest first; null when none is full yet. */
	byte @Nullable [] poll() {
		return this.full.poll();
	}

	/** Ends the text: what was written since the last full chunk becomes the last chunk. */
	void flush() {
		if (this.length > 0) {
			this.full.add(Arrays.copyOf(this.bytes, this.length));
			this.length = 0;
		}
	}

}

package io.duplex.billing.report;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

/**
 * An export's text written straight as UTF-8 into chunks of {@value #CHUNK} bytes, each copied
 * whole into a buffer of the response: no string per row, no array per chunk. Rows may span two
 * chunks (the body is one stream).
 */
final class ExportBuffer {

	static final int CHUNK = 128 * 1024;

	/** Slots of {@link #repeated}'s cache (a power of two). */
	private static final int SLOTS = 1024;

	private final ArrayDeque<byte[]> full = new ArrayDeque<>();

	/** Chunks handed over, to be written again. */
	private final ArrayDeque<byte[]> spare = new ArrayDeque<>();

	private final Object[] repeatedValues = new Object[SLOTS];

	private final byte[][] repeatedFields = new byte[SLOTS][];

	private byte[] bytes = new byte[CHUNK];

	private int length;

	private boolean flushed;

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
		if (SpreadsheetCells.needsNeutralising(value)) {
			return text(CsvFormat.field(value));
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
		byte[] spare = this.spare.poll();
		this.bytes = (spare != null) ? spare : new byte[CHUNK];
		this.length = 0;
	}

	/**
	 * The oldest full chunk, copied into a buffer of {@code buffers} (pooled memory the server
	 * writes as it is, on a server that pools); after {@link #flush}, what was written since.
	 * Null when there is nothing to hand over yet. The chunk's array is written again: an export's
	 * gigabyte goes through the same few arrays rather than through the heap.
	 */
	@Nullable DataBuffer poll(DataBufferFactory buffers) {
		byte[] chunk = this.full.poll();
		if (chunk != null) {
			DataBuffer buffer = buffers.allocateBuffer(CHUNK).write(chunk);
			this.spare.add(chunk);
			return buffer;
		}
		if (this.flushed && this.length > 0) {
			DataBuffer buffer = buffers.allocateBuffer(this.length).write(this.bytes, 0, this.length);
			this.length = 0;
			return buffer;
		}
		return null;
	}

	/** Ends the text: what was written since the last full chunk becomes the last chunk. */
	void flush() {
		this.flushed = true;
	}

}

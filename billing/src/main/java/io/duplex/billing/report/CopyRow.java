package io.duplex.billing.report;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * One row of {@code COPY … TO STDOUT} in PostgreSQL's text format, read where it lies in the bytes
 * the driver received: fields split on tabs, {@code \N} for null, backslash escapes decoded only in
 * the rare field that has one. Reused from row to row; timestamps must come in the ISO style in UTC
 * (the export's transaction sets both).
 */
final class CopyRow {

	private static final long MICROS_PER_SECOND = 1_000_000L;

	/** Timestamps {@link #micros} cannot read by position: years of five digits. */
	private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
		.appendValue(ChronoField.YEAR, 4, 9, SignStyle.NORMAL)
		.appendPattern("-MM-dd HH:mm:ss")
		.optionalStart()
		.appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
		.optionalEnd()
		.appendOffset("+HH:mm", "+00")
		.toFormatter();

	private final int[] starts;

	private final int[] ends;

	private final boolean[] escaped;

	private byte[] bytes = new byte[0];

	/** The date of the last timestamp read, as yyyymmdd, and its epoch day. */
	private int lastDate = -1;

	private long lastEpochDay;

	CopyRow(int columns) {
		this.starts = new int[columns];
		this.ends = new int[columns];
		this.escaped = new boolean[columns];
	}

	/** Reads the fields' bounds; the row is one {@code CopyData} message, its line end included. */
	void read(byte[] row) {
		this.bytes = row;
		int columns = this.starts.length;
		int column = 0;
		int start = 0;
		boolean escape = false;
		int end = (row.length > 0 && row[row.length - 1] == '\n') ? row.length - 1 : row.length;
		for (int i = 0; i < end; i++) {
			byte b = row[i];
			if (b == '\t') {
				if (column == columns - 1) {
					throw new IllegalStateException("COPY row has more than " + columns + " fields");
				}
				this.starts[column] = start;
				this.ends[column] = i;
				this.escaped[column++] = escape;
				start = i + 1;
				escape = false;
			}
			else if (b == '\\') {
				// an escaped byte is never a delimiter (tabs and line ends in values arrive as \t, \n)
				escape = true;
				i++;
			}
		}
		if (column != columns - 1) {
			throw new IllegalStateException("COPY row has " + (column + 1) + " fields, not " + columns);
		}
		this.starts[column] = start;
		this.ends[column] = Math.max(start, end);
		this.escaped[column] = escape;
	}

	boolean isNull(int column) {
		int start = this.starts[column];
		return this.ends[column] - start == 2 && this.bytes[start] == '\\' && this.bytes[start + 1] == 'N';
	}

	/** The field as text; null for {@code \N}. */
	@Nullable String string(int column) {
		if (isNull(column)) {
			return null;
		}
		int start = this.starts[column];
		int end = this.ends[column];
		if (!this.escaped[column]) {
			return new String(this.bytes, start, end - start, StandardCharsets.UTF_8);
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(end - start);
		for (int i = start; i < end; i++) {
			byte b = this.bytes[i];
			if (b != '\\' || i + 1 == end) {
				out.write(b);
				continue;
			}
			byte next = this.bytes[++i];
			switch (next) {
				case 'b' -> out.write('\b');
				case 'f' -> out.write('\f');
				case 'n' -> out.write('\n');
				case 'r' -> out.write('\r');
				case 't' -> out.write('\t');
				case 'v' -> out.write(0x0b);
				case 'x' -> {
					int value = 0;
					int digits = 0;
					while (digits < 2 && i + 1 < end && Character.digit(this.bytes[i + 1], 16) >= 0) {
						value = value * 16 + Character.digit(this.bytes[++i], 16);
						digits++;
					}
					out.write((digits > 0) ? value : 'x');
				}
				default -> {
					if (next >= '0' && next <= '7') {
						int value = next - '0';
						for (int digits = 1; digits < 3 && i + 1 < end && this.bytes[i + 1] >= '0'
								&& this.bytes[i + 1] <= '7'; digits++) {
							value = value * 8 + (this.bytes[++i] - '0');
						}
						out.write(value);
					}
					else {
						out.write(next);
					}
				}
			}
		}
		return out.toString(StandardCharsets.UTF_8);
	}

	/** Whether the field has no escapes: its bytes are its UTF-8 text (see {@link CopyStrings}). */
	boolean isPlain(int column) {
		return !this.escaped[column];
	}

	int start(int column) {
		return this.starts[column];
	}

	int end(int column) {
		return this.ends[column];
	}

	byte[] bytes() {
		return this.bytes;
	}

	/** A {@code numeric} field, with the scale it was printed with (as {@code new BigDecimal(text)}). */
	BigDecimal decimal(int column) {
		int start = this.starts[column];
		int end = this.ends[column];
		int i = start;
		boolean negative = this.bytes[i] == '-';
		if (negative) {
			i++;
		}
		long unscaled = 0;
		int digits = 0;
		int scale = -1;
		for (; i < end; i++) {
			byte b = this.bytes[i];
			if (b == '.' && scale < 0) {
				scale = 0;
				continue;
			}
			if (b < '0' || b > '9' || digits == 18) {
				// not a plain decimal of at most 18 digits: let BigDecimal read it
				return new BigDecimal(new String(this.bytes, start, end - start, StandardCharsets.US_ASCII));
			}
			unscaled = unscaled * 10 + (b - '0');
			digits++;
			if (scale >= 0) {
				scale++;
			}
		}
		if (digits == 0) {
			return new BigDecimal(new String(this.bytes, start, end - start, StandardCharsets.US_ASCII));
		}
		return BigDecimal.valueOf(negative ? -unscaled : unscaled, Math.max(scale, 0));
	}

	/**
	 * A {@code timestamptz} field in microseconds since the epoch: {@code 2026-11-02 10:00:00.5+00}
	 * read by position, anything else (a year past 9999) parsed in full.
	 */
	long micros(int column) {
		int start = this.starts[column];
		int end = this.ends[column];
		byte[] b = this.bytes;
		int length = end - start;
		if (length < 22 || b[start + 4] != '-' || b[start + 7] != '-' || b[start + 10] != ' '
				|| b[start + 13] != ':' || b[start + 16] != ':' || b[end - 3] != '+' || b[end - 2] != '0'
				|| b[end - 1] != '0') {
			return slowMicros(start, end);
		}
		int date = digits(start, 4) * 10_000 + digits(start + 5, 2) * 100 + digits(start + 8, 2);
		if (date != this.lastDate) {
			this.lastEpochDay = LocalDate.of(date / 10_000, date / 100 % 100, date % 100).toEpochDay();
			this.lastDate = date;
		}
		long seconds = this.lastEpochDay * 86_400L + digits(start + 11, 2) * 3_600L + digits(start + 14, 2) * 60L
				+ digits(start + 17, 2);
		long fraction = 0;
		int fractionEnd = end - 3;
		if (start + 19 < fractionEnd) {
			if (b[start + 19] != '.' || fractionEnd - start - 20 > 6) {
				return slowMicros(start, end);
			}
			int places = 0;
			for (int i = start + 20; i < fractionEnd; i++, places++) {
				fraction = fraction * 10 + digit(i);
			}
			for (; places < 6; places++) {
				fraction *= 10;
			}
		}
		return seconds * MICROS_PER_SECOND + fraction;
	}

	private long slowMicros(int start, int end) {
		String text = new String(this.bytes, start, end - start, StandardCharsets.US_ASCII);
		OffsetDateTime time = OffsetDateTime.parse(text, TIMESTAMP);
		return time.toEpochSecond() * MICROS_PER_SECOND + time.getNano() / 1_000;
	}

	private int digits(int at, int count) {
		int value = 0;
		for (int i = at; i < at + count; i++) {
			value = value * 10 + digit(i);
		}
		return value;
	}

	private int digit(int at) {
		int digit = this.bytes[at] - '0';
		if (digit < 0 || digit > 9) {
			throw new IllegalStateException("not a digit in a COPY timestamp: "
					+ new String(Arrays.copyOfRange(this.bytes, at, at + 1), StandardCharsets.US_ASCII));
		}
		return digit;
	}

}

package io.duplex.billing.report;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** Rows of PostgreSQL's COPY text format, as {@link CopyRow} and {@link CopyStrings} read them. */
class CopyRowTests {

	@Test
	void readWhenFieldsHaveEscapesThenTheyAreDecodedAndNullIsNull() {
		CopyRow row = row(3, "a\\tb\\nc\\\\d\\r\\b\\f\\v\\101\\x42\\q\t\\N\tünï 😀\n");

		assertThat(row.string(0)).isEqualTo("a\tb\nc\\d\r\b\f\u000bABq");
		assertThat(row.isNull(1)).isTrue();
		assertThat(row.string(1)).isNull();
		assertThat(row.string(2)).isEqualTo("ünï 😀");
		// a backslash then N inside a value is not null
		assertThat(row(1, "\\\\N\n").string(0)).isEqualTo("\\N");
		assertThat(row(2, "\t\n").string(0)).isEmpty();
	}

	@Test
	void readWhenTheRowHasTooFewOrTooManyFieldsThenRefused() {
		assertThatIllegalStateException().isThrownBy(() -> row(3, "a\tb\n"));
		assertThatIllegalStateException().isThrownBy(() -> row(1, "a\tb\n"));
	}

	@Test
	void decimalWhenNumericTextThenItsValueAndScale() {
		for (String text : new String[] { "1234.000000", "-0.500000", "0", "42", "999999999999.999999",
				"12345678901234567890.123456", "-12345678901234567890", "1E+3" }) {
			assertThat(row(1, text + "\n").decimal(0)).as(text).isEqualTo(new BigDecimal(text));
		}
	}

	@Test
	void microsWhenIsoTimestampInUtcThenMicrosecondsSinceTheEpoch() {
		assertThat(micros("2026-11-02 10:00:00+00")).isEqualTo(micros(Instant.parse("2026-11-02T10:00:00Z")));
		assertThat(micros("2026-11-02 23:59:59.999999+00"))
			.isEqualTo(micros(Instant.parse("2026-11-02T23:59:59.999999Z")));
		assertThat(micros("2199-01-01 00:00:00.5+00")).isEqualTo(micros(Instant.parse("2199-01-01T00:00:00.5Z")));
		assertThat(micros("1969-12-31 23:59:59.000001+00")).isEqualTo(-999_999);
		assertThat(micros("0999-03-04 05:06:07.08+00")).isEqualTo(micros(Instant.parse("0999-03-04T05:06:07.08Z")));
		// a year of five digits is read the slow way
		assertThat(micros("12345-06-07 08:09:10.123+00"))
			.isEqualTo(micros(Instant.parse("+12345-06-07T08:09:10.123Z")));
	}

	@Test
	void stringsWhenValuesRepeatThenTheSameInstanceAndNeverAWrongOne() {
		CopyStrings strings = new CopyStrings(2);
		CopyRow row = new CopyRow(2);
		row.read("sess_1\tsess_2\n".getBytes(StandardCharsets.UTF_8));
		String first = strings.get(row, 0);
		String second = strings.get(row, 1);
		row.read("sess_1\tsess_2\n".getBytes(StandardCharsets.UTF_8));

		assertThat(strings.get(row, 0)).isEqualTo("sess_1").isSameAs(first);
		assertThat(strings.get(row, 1)).isEqualTo("sess_2").isSameAs(second);
		// two slots for many values: each read is still right
		for (int i = 0; i < 100; i++) {
			row.read(("v" + i + "\tw\\t" + i + "\n").getBytes(StandardCharsets.UTF_8));
			assertThat(strings.get(row, 0)).isEqualTo("v" + i);
			assertThat(strings.get(row, 1)).isEqualTo("w\t" + i);
		}
	}

	private static long micros(String text) {
		return row(1, text + "\n").micros(0);
	}

	private static long micros(Instant instant) {
		return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
	}

	private static CopyRow row(int columns, String text) {
		CopyRow row = new CopyRow(columns);
		row.read(text.getBytes(StandardCharsets.UTF_8));
		return row;
	}

}

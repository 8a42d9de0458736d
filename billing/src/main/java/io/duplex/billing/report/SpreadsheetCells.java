package io.duplex.billing.report;

import org.jspecify.annotations.Nullable;

/**
 * Neutralises text cells a spreadsheet would read as a formula, as OWASP's CSV-injection guidance
 * describes: a text that begins with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a
 * carriage return gets a single quote in front, so a tenant's name such as
 * {@code =HYPERLINK("http://x","y")} shows as text, never runs. Every export format (CSV, FOCUS,
 * XLSX, and the COPY-based path that writes CSV and FOCUS) passes its text cells through here, and
 * only its text cells: numbers and dates are written as they are, so a negative quantity stays a
 * number. XLSX cells are typed text and would not be evaluated, but are neutralised the same way
 * so that a workbook saved again as CSV stays safe.
 * @see <a href="https://owasp.org/www-community/attacks/CSV_Injection">OWASP: CSV Injection</a>
 */
final class SpreadsheetCells {

	private SpreadsheetCells() {
	}

	/** Whether a spreadsheet could take {@code value} for a formula. */
	static boolean needsNeutralising(@Nullable String value) {
		if (value == null || value.isEmpty()) {
			return false;
		}
		char first = value.charAt(0);
		return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
	}

	/** The text as a cell shows it safely: prefixed with {@code '} when it could be a formula; null stays null. */
	static @Nullable String text(@Nullable String value) {
		return needsNeutralising(value) ? "'" + value : value;
	}

}

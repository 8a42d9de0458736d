package io.duplex.billing.report;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

import io.duplex.billing.pricing.Money;

/**
 * The plain CSV export (RFC 4180): one row per rated line, with who measured it ({@code source}:
 * platform or tenant) and whether its quantity was estimated. Text cells are neutralised against
 * formula injection ({@link SpreadsheetCells}); numbers are written as they are.
 */
final class CsvFormat {

	static final String HEADER = "tenant,session,agent,model,metric,quantity,unit,unit_price,cost,currency,tags,"
			+ "source,estimated\r\n";

	private CsvFormat() {
	}

	static void write(ExportLine line, ExportBuffer out) {
		out.repeated(line.tenantId()).comma().repeated(line.sessionId()).comma().repeated(line.agentId()).comma()
			.repeated(line.model()).comma().repeated(line.metric()).comma().text(quantity(line.quantity())).comma()
			.text((line.unit() != null) ? line.unit().wireName() : "").comma().repeatedPlain(line.unitPrice()).comma()
			.text(line.cost().toPlainString()).comma().repeated(line.currency()).comma().repeated(line.tags()).comma()
			.repeated(line.source()).comma().text(estimated(line.estimated())).crlf();
	}

	static String quantity(BigDecimal quantity) {
		return Money.scaledQuantity(quantity).toPlainString();
	}

	static String plain(@Nullable BigDecimal value) {
		return (value != null) ? value.toPlainString() : "";
	}

	static String estimated(boolean estimated) {
		return estimated ? "true" : "false";
	}

	/**
	 * A text cell as an RFC 4180 field: neutralised when a spreadsheet could take it for a formula
	 * ({@link SpreadsheetCells}), then quoted when it holds a comma, quote or line break.
	 */
	static String field(@Nullable String text) {
		String value = SpreadsheetCells.text(text);
		if (value == null) {
			return "";
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == ',' || c == '"' || c == '\r' || c == '\n') {
				return "\"" + value.replace("\"", "\"\"") + "\"";
			}
		}
		return value;
	}

}

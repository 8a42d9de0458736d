package io.duplex.billing.report;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

import io.duplex.billing.pricing.Money;

/** The plain CSV export (RFC 4180): one row per rated line. */
final class CsvFormat {

	static final String HEADER = "tenant,session,agent,model,metric,quantity,unit,unit_price,cost,currency,tags\r\n";

	private CsvFormat() {
	}

	static String row(ExportLine line) {
		StringBuilder row = new StringBuilder(256);
		row.append(field(line.tenantId())).append(',').append(field(line.sessionId())).append(',')
			.append(field(line.agentId())).append(',').append(field(line.model())).append(',')
			.append(field(line.metric())).append(',').append(quantity(line.quantity())).append(',')
			.append((line.unit() != null) ? line.unit().wireName() : "").append(',')
			.append(plain(line.unitPrice())).append(',').append(line.cost().toPlainString()).append(',')
			.append(line.currency()).append(',').append(field(line.tags())).append("\r\n");
		return row.toString();
	}

	static String quantity(BigDecimal quantity) {
		return quantity.setScale(Money.QUANTITY_SCALE).toPlainString();
	}

	static String plain(@Nullable BigDecimal value) {
		return (value != null) ? value.toPlainString() : "";
	}

	/** An RFC 4180 field: quoted when it holds a comma, quote or line break. */
	static String field(@Nullable String value) {
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

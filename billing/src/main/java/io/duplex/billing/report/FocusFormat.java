package io.duplex.billing.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.duplex.billing.pricing.Money;
import io.duplex.billing.pricing.PriceUnit;

/**
 * The FOCUS 1.2 export: the FinOps Open Cost and Usage Specification's column names, one row per
 * rated line and UTC day (the charge period), Duplex's own columns prefixed {@code x_}. Duplex is
 * both the provider and the invoice issuer; a tenant is the billing account and the sub-account.
 * @see <a href="https://focus.finops.org/focus-specification/v1-2/">FOCUS 1.2</a>
 */
final class FocusFormat {

	static final List<String> COLUMNS = List.of("BilledCost", "BillingAccountId", "BillingAccountName",
			"BillingAccountType", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory",
			"ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
			"ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice", "EffectiveCost",
			"InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory", "PricingCurrency", "PricingQuantity",
			"PricingUnit", "ProviderName", "PublisherName", "RegionId", "RegionName", "ResourceId", "ResourceName",
			"ResourceType", "ServiceCategory", "ServiceName", "ServiceSubcategory", "SkuId", "SkuPriceId",
			"SubAccountId", "SubAccountName", "SubAccountType", "Tags", "x_AgentId", "x_ComputePool", "x_Metric",
			"x_Model", "x_PriceBookId");

	static final String HEADER = String.join(",", COLUMNS) + "\r\n";

	/** Decimals of a pricing quantity in minutes (seconds ÷ 60 rarely ends). */
	static final int PRICING_QUANTITY_SCALE = 10;

	private static final String DUPLEX = "Duplex";

	private FocusFormat() {
	}

	static String row(ExportLine line) {
		Instant day = (line.day() != null) ? line.day() : Instant.EPOCH;
		YearMonth month = YearMonth.from(day.atZone(ZoneOffset.UTC));
		Instant monthStart = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
		Instant monthEnd = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
		String cost = line.cost().toPlainString();
		String unitPrice = CsvFormat.plain(line.unitPrice());
		PriceUnit unit = line.unit();
		StringBuilder row = new StringBuilder(512);
		append(row, cost); // BilledCost
		append(row, line.tenantId()); // BillingAccountId
		append(row, line.tenantId()); // BillingAccountName
		append(row, "Tenant"); // BillingAccountType
		append(row, line.currency()); // BillingCurrency
		append(row, monthEnd.toString());
		append(row, monthStart.toString());
		append(row, "Usage"); // ChargeCategory
		append(row, ""); // ChargeClass: not a correction
		append(row, CsvFormat.field(line.metric() + " of " + line.model())); // ChargeDescription
		append(row, "Usage-Based"); // ChargeFrequency
		append(row, day.plus(1, ChronoUnit.DAYS).toString()); // ChargePeriodEnd
		append(row, day.toString()); // ChargePeriodStart
		append(row, CsvFormat.quantity(line.quantity())); // ConsumedQuantity
		append(row, consumedUnit(line.metric())); // ConsumedUnit
		append(row, cost); // ContractedCost: contract prices are the prices billed
		append(row, unitPrice); // ContractedUnitPrice
		append(row, cost); // EffectiveCost: no commitments or credits to amortise
		append(row, DUPLEX); // InvoiceIssuerName
		append(row, line.listCost().toPlainString()); // ListCost
		append(row, CsvFormat.plain(line.listUnitPrice())); // ListUnitPrice
		append(row, (unit != null) ? "Standard" : ""); // PricingCategory
		append(row, line.currency()); // PricingCurrency
		append(row, (unit != null) ? pricingQuantity(line.quantity(), unit) : ""); // PricingQuantity
		append(row, (unit != null) ? pricingUnit(unit) : ""); // PricingUnit
		append(row, DUPLEX); // ProviderName
		append(row, DUPLEX); // PublisherName
		append(row, CsvFormat.field(line.region())); // RegionId
		append(row, CsvFormat.field(line.region())); // RegionName
		append(row, CsvFormat.field(line.sessionId())); // ResourceId
		append(row, CsvFormat.field(line.sessionId())); // ResourceName
		append(row, (line.sessionId() != null) ? "Realtime Session" : ""); // ResourceType
		append(row, "AI and Machine Learning"); // ServiceCategory
		append(row, "Duplex Realtime"); // ServiceName
		append(row, "Generative AI"); // ServiceSubcategory
		append(row, CsvFormat.field(line.model() + "/" + line.metric())); // SkuId
		append(row, CsvFormat.field((line.bookId() != null)
				? line.bookId() + "/" + line.model() + "/" + line.metric() + "/" + unitPrice : "")); // SkuPriceId
		append(row, line.tenantId()); // SubAccountId
		append(row, line.tenantId()); // SubAccountName
		append(row, "Tenant"); // SubAccountType
		append(row, CsvFormat.field(line.tags())); // Tags
		append(row, CsvFormat.field(line.agentId()));
		append(row, CsvFormat.field(line.compute()));
		append(row, CsvFormat.field(line.metric()));
		append(row, CsvFormat.field(line.model()));
		row.append(CsvFormat.field(line.bookId())).append("\r\n");
		return row.toString();
	}

	private static void append(StringBuilder row, String field) {
		row.append(field).append(',');
	}

	static String consumedUnit(String metric) {
		if (metric.endsWith("_tokens")) {
			return "Tokens";
		}
		if (metric.endsWith("_seconds")) {
			return "Seconds";
		}
		if (metric.endsWith("_characters")) {
			return "Characters";
		}
		return "Units";
	}

	static String pricingUnit(PriceUnit unit) {
		return switch (unit) {
			case PER_MILLION_TOKENS -> "1M Tokens";
			case PER_SECOND -> "Seconds";
			case PER_MINUTE -> "Minutes";
			case PER_CHARACTER -> "Characters";
		};
	}

	/** The consumed quantity in pricing units: millions of tokens exactly, minutes to ten decimals. */
	static String pricingQuantity(BigDecimal quantity, PriceUnit unit) {
		return switch (unit) {
			case PER_MILLION_TOKENS -> quantity.movePointLeft(6).stripTrailingZeros().toPlainString();
			case PER_MINUTE -> quantity.divide(BigDecimal.valueOf(60), PRICING_QUANTITY_SCALE, Money.ROUNDING)
				.toPlainString();
			default -> CsvFormat.quantity(quantity);
		};
	}

}

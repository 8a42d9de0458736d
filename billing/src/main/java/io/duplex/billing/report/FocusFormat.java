package io.duplex.billing.report;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.duplex.billing.pricing.Money;
import io.duplex.billing.pricing.PriceUnit;

/**
 * The FOCUS 1.2 export: the FinOps Open Cost and Usage Specification's column names, one row per
 * rated line and UTC day (the charge period), Duplex's own columns prefixed {@code x_}. Duplex is
 * both the provider and the invoice issuer; a tenant is the billing account and the sub-account.
 * {@code x_Source} says who measured a row's usage ({@code platform} or {@code tenant}) and
 * {@code x_Estimated} whether its quantity was estimated. Text cells are neutralised against
 * formula injection ({@link SpreadsheetCells}, through {@link CsvFormat#field}); numeric columns
 * are written as they are.
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
			"x_Model", "x_PriceBookId", "x_Source", "x_Estimated");

	static final String HEADER = String.join(",", COLUMNS) + "\r\n";

	/** Decimals of a pricing quantity in minutes (seconds ÷ 60 rarely ends). */
	static final int PRICING_QUANTITY_SCALE = 10;

	private static final String DUPLEX = "Duplex";

	/** Slots of {@link #sku}'s table (a power of two). */
	private static final int SKUS = 256;

	private final Sku[] skus = new Sku[SKUS];

	/** Runs of columns every row has: written as bytes encoded once. */
	private static final byte[] TENANT = ascii("Tenant,");

	private static final byte[] USAGE = ascii("Usage,,"); // ChargeCategory, ChargeClass: not a correction

	private static final byte[] USAGE_BASED = ascii("Usage-Based,"); // ChargeFrequency

	private static final byte[] DUPLEX_ = ascii(DUPLEX + ",");

	private static final byte[] SERVICE = ascii("AI and Machine Learning,Duplex Realtime,Generative AI,");

	private static final byte[] SESSION = ascii("Realtime Session,");

	/** Slots of {@link #dayColumns}' table (a power of two): more than the days of a month. */
	private static final int DAYS = 64;

	/** The four date columns of the days written lately: a line's rows go from day to day. */
	private final DayColumns[] dayColumns = new DayColumns[DAYS];

	private final TenantNames tenantNames;

	/** The last tenant written: most exports are one tenant's. */
	private @Nullable String tenant;

	/** Its id and its name (empty when it has none), each with a comma. */
	private byte[] tenantId = new byte[0];

	private byte[] tenantName = new byte[0];

	/** Writes the rows of one export, in its order, with the names of its tenants. */
	FocusFormat(TenantNames tenantNames) {
		this.tenantNames = tenantNames;
	}

	void write(ExportLine line, ExportBuffer out) {
		DayColumns days = dayColumns((line.day() != null) ? line.day() : Instant.EPOCH);
		if (!line.tenantId().equals(this.tenant)) {
			String name = this.tenantNames.of(line.tenantId());
			this.tenantId = utf8(CsvFormat.field(line.tenantId()) + ",");
			this.tenantName = utf8(((name != null) ? CsvFormat.field(name) : "") + ",");
			this.tenant = line.tenantId();
		}
		byte[] tenantId = this.tenantId;
		byte[] tenantName = this.tenantName;
		String cost = line.cost().toPlainString();
		Sku sku = sku(line);
		PriceUnit unit = line.unit();
		out.text(cost).comma(); // BilledCost
		out.bytes(tenantId); // BillingAccountId
		out.bytes(tenantName); // BillingAccountName
		out.bytes(TENANT); // BillingAccountType
		out.repeated(line.currency()).comma(); // BillingCurrency
		out.bytes(days.periods()); // BillingPeriodEnd, BillingPeriodStart
		out.bytes(USAGE);
		out.bytes(sku.description()).comma(); // ChargeDescription
		out.bytes(USAGE_BASED);
		out.bytes(days.chargePeriods()); // ChargePeriodEnd, ChargePeriodStart
		out.text(CsvFormat.quantity(line.quantity())).comma(); // ConsumedQuantity
		out.text(consumedUnit(line.metric())).comma(); // ConsumedUnit
		out.text(cost).comma(); // ContractedCost: contract prices are the prices billed
		out.bytes(sku.unitPrice()).comma(); // ContractedUnitPrice
		out.text(cost).comma(); // EffectiveCost: no commitments or credits to amortise
		out.bytes(DUPLEX_); // InvoiceIssuerName
		out.text(line.listCost().toPlainString()).comma(); // ListCost
		out.bytes(sku.listUnitPrice()).comma(); // ListUnitPrice
		out.text((unit != null) ? "Standard" : "").comma(); // PricingCategory
		out.repeated(line.currency()).comma(); // PricingCurrency
		out.text((unit != null) ? pricingQuantity(line.quantity(), unit) : "").comma(); // PricingQuantity
		out.text((unit != null) ? pricingUnit(unit) : "").comma(); // PricingUnit
		out.bytes(DUPLEX_); // ProviderName
		out.bytes(DUPLEX_); // PublisherName
		out.repeated(line.region()).comma(); // RegionId
		out.repeated(line.region()).comma(); // RegionName
		out.repeated(line.sessionId()).comma(); // ResourceId
		// ResourceName: a session has no display name, and FOCUS forbids repeating a generated id
		out.comma();
		if (line.sessionId() != null) {
			out.bytes(SESSION); // ResourceType
		}
		else {
			out.comma();
		}
		out.bytes(SERVICE); // ServiceCategory, ServiceName, ServiceSubcategory
		out.bytes(sku.skuId()).comma(); // SkuId
		out.bytes(sku.skuPriceId()).comma(); // SkuPriceId
		out.bytes(tenantId); // SubAccountId
		out.bytes(tenantName); // SubAccountName
		out.bytes(TENANT); // SubAccountType
		out.repeated(line.tags()).comma(); // Tags
		out.repeated(line.agentId()).comma();
		out.repeated(line.compute()).comma();
		out.repeated(line.metric()).comma();
		out.repeated(line.model()).comma();
		out.repeated(line.bookId()).comma();
		out.repeated(line.source()).comma();
		out.text(CsvFormat.estimated(line.estimated())).crlf();
	}

	private DayColumns dayColumns(Instant day) {
		long epochDay = Math.floorDiv(day.getEpochSecond(), 86_400L);
		int slot = (int) (epochDay & (DAYS - 1));
		DayColumns days = this.dayColumns[slot];
		if (days == null || days.epochDay() != epochDay) {
			YearMonth month = YearMonth.from(day.atZone(ZoneOffset.UTC));
			Instant monthStart = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
			Instant monthEnd = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
			days = new DayColumns(epochDay, ascii(monthEnd + "," + monthStart + ","),
					ascii(day.plus(1, ChronoUnit.DAYS) + "," + day + ","));
			this.dayColumns[slot] = days;
		}
		return days;
	}

	/** A UTC day's date columns, encoded. */
	private record DayColumns(long epochDay, byte[] periods, byte[] chargePeriods) {
	}

	/**
	 * The columns a line's model, metric and price make, encoded once: found by the identity of
	 * those values (the same instances line after line), in a table of {@value #SKUS}.
	 */
	private Sku sku(ExportLine line) {
		int hash = System.identityHashCode(line.model());
		hash = 31 * hash + System.identityHashCode(line.metric());
		hash = 31 * hash + System.identityHashCode(line.bookId());
		hash = 31 * hash + System.identityHashCode(line.unitPrice());
		hash = 31 * hash + System.identityHashCode(line.listUnitPrice());
		int slot = (hash ^ (hash >>> 16)) & (SKUS - 1);
		Sku sku = this.skus[slot];
		if (sku == null || sku.model() != line.model() || sku.metric() != line.metric()
				|| sku.bookId() != line.bookId() || sku.price() != line.unitPrice()
				|| sku.listPrice() != line.listUnitPrice()) {
			String unitPrice = CsvFormat.plain(line.unitPrice());
			sku = new Sku(line.model(), line.metric(), line.bookId(), line.unitPrice(), line.listUnitPrice(),
					utf8(CsvFormat.field(line.metric() + " of " + line.model())),
					utf8(CsvFormat.field(line.model() + "/" + line.metric())),
					utf8(CsvFormat.field((line.bookId() != null)
							? line.bookId() + "/" + line.model() + "/" + line.metric() + "/" + unitPrice : "")),
					utf8(unitPrice), utf8(CsvFormat.plain(line.listUnitPrice())));
			this.skus[slot] = sku;
		}
		return sku;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/** A line's model, metric and prices, and the columns they make, encoded. */
	private record Sku(String model, String metric, @Nullable String bookId, @Nullable BigDecimal price,
			@Nullable BigDecimal listPrice, byte[] description, byte[] skuId, byte[] skuPriceId, byte[] unitPrice,
			byte[] listUnitPrice) {
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
			case PER_MILLION_TOKENS, PER_MINUTE -> Money.pricingQuantity(quantity, unit, PRICING_QUANTITY_SCALE)
				.toPlainString();
			case PER_SECOND, PER_CHARACTER -> CsvFormat.quantity(quantity);
		};
	}

}

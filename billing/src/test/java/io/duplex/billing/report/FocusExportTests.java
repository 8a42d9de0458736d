package io.duplex.billing.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.duplex.billing.BillingHttpTestSupport;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSink;
import io.duplex.test.Csv;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The FOCUS export's columns as FOCUS 1.2 defines them, on a few lines of known usage: a line over
 * two UTC days, usage outside any session, a tenant whose name needs quoting and a contract price
 * below the list price.
 */
class FocusExportTests extends BillingHttpTestSupport {

	/** The columns FOCUS 1.2 requires of a provider like Duplex (usage-based, no commitments). */
	private static final List<String> FOCUS_COLUMNS = List.of("BilledCost", "BillingAccountId",
			"BillingAccountName", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory",
			"ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
			"ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice", "EffectiveCost",
			"InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory", "PricingQuantity", "PricingUnit",
			"ProviderName", "PublisherName", "RegionId", "RegionName", "ResourceId", "ResourceName", "ResourceType",
			"ServiceCategory", "ServiceName", "SkuId", "SkuPriceId", "SubAccountId", "SubAccountName", "Tags");

	/** Further FOCUS 1.2 columns Duplex fills. */
	private static final List<String> FOCUS_EXTRA_COLUMNS = List.of("BillingAccountType", "PricingCurrency",
			"ServiceSubcategory", "SubAccountType");

	private static final String NAME = "Acme, \"Voice\" Ltd";

	@Autowired
	private UsageSink sink;

	@Autowired
	private JsonMapper json;

	@Test
	void exportWhenFocusThenEveryColumnMeansWhatFocusSays() {
		String tenant = newTenant(NAME).id();
		contractBook(tenant, "2163-01-01T00:00:00Z", "10", List.of());
		this.sink.record(List.of(
				event(tenant, "1", "sess_focus", "1500000", "2163-03-01T23:59:59Z", "output_audio_tokens"),
				event(tenant, "2", "sess_focus", "500000", "2163-03-02T00:00:01Z", "output_audio_tokens"),
				event(tenant, "3", "sess_focus", "250000", "2163-03-02T10:00:00Z", "output_audio_tokens"),
				new UsageEvent(tenant, "4", null, null, null, null, "gpt-realtime", null, null, "input_text_tokens",
						new BigDecimal("1000"), Instant.parse("2163-03-20T08:00:00Z"), Map.of())))
			.block();

		String finance = newKey(tenant, "finance");
		String csv = getText(finance, "/v1/usage/export?format=focus&from=2163-03-01&to=2163-04-01");
		List<List<String>> table = Csv.parse(csv);
		List<String> header = table.get(0);
		assertThat(header).containsAll(FOCUS_COLUMNS);
		assertThat(header).containsAll(FOCUS_EXTRA_COLUMNS);
		assertThat(header)
			.filteredOn((column) -> !FOCUS_COLUMNS.contains(column) && !FOCUS_EXTRA_COLUMNS.contains(column))
			.isNotEmpty()
			.allSatisfy((column) -> assertThat(column).startsWith("x_"));
		List<Map<String, String>> rows = new ArrayList<>();
		for (List<String> values : table.subList(1, table.size())) {
			assertThat(values).hasSameSizeAs(header);
			Map<String, String> row = new HashMap<>();
			for (int i = 0; i < header.size(); i++) {
				row.put(header.get(i), values.get(i));
			}
			rows.add(row);
		}
		// the session-less line, then the session's line split at the day's end
		assertThat(rows).hasSize(3);

		for (Map<String, String> row : rows) {
			assertThat(row).containsEntry("BillingAccountId", tenant)
				.containsEntry("SubAccountId", tenant)
				.containsEntry("BillingAccountName", NAME)
				.containsEntry("SubAccountName", NAME)
				.containsEntry("BillingCurrency", "USD")
				.containsEntry("PricingCurrency", "USD")
				.containsEntry("ChargeCategory", "Usage")
				.containsEntry("ChargeClass", "")
				.containsEntry("ChargeFrequency", "Usage-Based")
				.containsEntry("PricingCategory", "Standard")
				.containsEntry("BillingPeriodStart", "2163-03-01T00:00:00Z")
				.containsEntry("BillingPeriodEnd", "2163-04-01T00:00:00Z")
				.containsEntry("ProviderName", "Duplex")
				.containsEntry("PublisherName", "Duplex")
				.containsEntry("InvoiceIssuerName", "Duplex")
				.containsEntry("ServiceName", "Duplex Realtime")
				.containsEntry("ServiceCategory", "AI and Machine Learning")
				.containsEntry("ServiceSubcategory", "Generative AI")
				.containsEntry("BillingAccountType", "Tenant")
				.containsEntry("SubAccountType", "Tenant")
				.containsEntry("ConsumedUnit", "Tokens")
				.containsEntry("PricingUnit", "1M Tokens")
				.containsEntry("x_Model", "gpt-realtime")
				.containsEntry("SkuId", "gpt-realtime/" + row.get("x_Metric"));
			// a session's id is generated: FOCUS wants no display name rather than the id again
			assertThat(row.get("ResourceName")).isEmpty();
			assertThat(decimal(row, "EffectiveCost")).isEqualByComparingTo(decimal(row, "BilledCost"));
			assertThat(decimal(row, "ContractedCost")).isEqualByComparingTo(decimal(row, "BilledCost"));
			assertThat(decimal(row, "PricingQuantity"))
				.isEqualByComparingTo(decimal(row, "ConsumedQuantity").movePointLeft(6));
			assertThat(decimal(row, "ContractedUnitPrice"))
				.isEqualByComparingTo(decimal(row, "ListUnitPrice").multiply(new BigDecimal("0.9")));
			Instant chargeStart = Instant.parse(row.get("ChargePeriodStart"));
			assertThat(Instant.parse(row.get("ChargePeriodEnd"))).isEqualTo(chargeStart.plusSeconds(86_400));
			assertThat(chargeStart.getEpochSecond() % 86_400).isZero();
			assertThat(row.get("SkuPriceId")).endsWith("/gpt-realtime/" + row.get("x_Metric") + "/"
					+ row.get("ContractedUnitPrice"));
		}

		Map<String, String> outside = rows.get(0);
		assertThat(outside).containsEntry("ResourceId", "")
			.containsEntry("ResourceType", "")
			.containsEntry("RegionId", "")
			.containsEntry("x_Metric", "input_text_tokens")
			.containsEntry("ChargePeriodStart", "2163-03-20T00:00:00Z")
			.containsEntry("Tags", "{}");
		// 1,000 tokens at 3.60 per million: 0.0036, below a cent until the running total carries it
		assertThat(decimal(outside, "BilledCost")).isEqualByComparingTo("0.00");

		Map<String, String> first = rows.get(1);
		Map<String, String> second = rows.get(2);
		for (Map<String, String> row : List.of(first, second)) {
			assertThat(row).containsEntry("ResourceId", "sess_focus")
				.containsEntry("ResourceType", "Realtime Session")
				.containsEntry("RegionId", "eu-west")
				.containsEntry("RegionName", "eu-west")
				.containsEntry("x_ComputePool", "gpu-a")
				.containsEntry("x_AgentId", "agt_focus")
				.containsEntry("x_Metric", "output_audio_tokens")
				.containsEntry("ChargeDescription", "output_audio_tokens of gpt-realtime");
			assertThat(this.json.readValue(row.get("Tags"), Map.class)).isEqualTo(Map.of("team", "sales, \"east\""));
			assertThat(decimal(row, "ListUnitPrice")).isEqualByComparingTo("64.00");
		}
		assertThat(first).containsEntry("ChargePeriodStart", "2163-03-01T00:00:00Z");
		assertThat(decimal(first, "ConsumedQuantity")).isEqualByComparingTo("1500000");
		assertThat(decimal(first, "BilledCost")).isEqualByComparingTo("86.40");
		assertThat(decimal(first, "ListCost")).isEqualByComparingTo("96.00");
		assertThat(second).containsEntry("ChargePeriodStart", "2163-03-02T00:00:00Z");
		assertThat(decimal(second, "ConsumedQuantity")).isEqualByComparingTo("750000");
		// 129.6036 in all, rounded once: the carried 0.0036 does not reach a cent
		assertThat(decimal(second, "BilledCost")).isEqualByComparingTo("43.20");
		assertThat(decimal(second, "ListCost")).isEqualByComparingTo("48.00");
	}

	private static UsageEvent event(String tenant, String key, String session, String quantity, String at,
			String metric) {
		return new UsageEvent(tenant, key, "agt_focus", 1, session, 1, "gpt-realtime", "eu-west", "gpu-a", metric,
				new BigDecimal(quantity), Instant.parse(at), Map.of("team", "sales, \"east\""));
	}

	private static BigDecimal decimal(Map<String, String> row, String column) {
		return new BigDecimal(row.get(column));
	}

}

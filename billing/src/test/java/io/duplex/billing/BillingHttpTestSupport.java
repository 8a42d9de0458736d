package io.duplex.billing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.ContextConfiguration;

import io.duplex.test.RestApiTestSupport;
import io.duplex.test.TestDatabase;
import io.duplex.test.TestKeys;

/**
 * Base of billing's HTTP tests: the billing module with the control plane (for tenants and API
 * keys) on a random port over the real test database. Every test makes its own tenants, so tests
 * never share mutable state and never clean tables.
 */
@SpringBootTest(classes = BillingTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		// tests finalize invoices themselves, at the moment they choose: the job must not beat them to it
		properties = { "duplex.bootstrap.admin-key=" + TestKeys.PLATFORM_ADMIN,
				"duplex.billing.invoices.check-every=24h" })
@ContextConfiguration(initializers = TestDatabase.Initializer.class)
@AutoConfigureWebTestClient(timeout = "30s")
public abstract class BillingHttpTestSupport extends RestApiTestSupport {

	/**
	 * A contract price book of the tenant, in force from {@code from}: {@code discount} percent off
	 * the list prices, and {@code prices} (see {@link #price}) in place of theirs.
	 */
	protected void contractBook(String tenantId, String from, String discount, List<Map<String, String>> prices) {
		asPlatformAdmin().post()
			.uri("/v1/admin/price-books")
			.bodyValue(Map.of("name", "Contract", "currency", "USD", "effective_from", from, "tenant_id", tenantId,
					"discount_percent", discount, "prices", prices))
			.exchange()
			.expectStatus()
			.isCreated();
	}

	/** A price of a book; {@code compute} null for every pool. */
	protected static Map<String, String> price(String model, String metric, @Nullable String compute, String unit,
			String price) {
		Map<String, String> map = new HashMap<>(Map.of("model", model, "metric", metric, "unit", unit, "unit_price",
				price));
		if (compute != null) {
			map.put("compute", compute);
		}
		return map;
	}

}

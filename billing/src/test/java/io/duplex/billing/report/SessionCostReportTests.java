package io.duplex.billing.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.duplex.billing.BillingHttpTestSupport;
import io.duplex.core.usage.SessionCost;
import io.duplex.core.usage.SessionCosts;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSink;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link SessionCosts} port: a session's cost so far from the real ledger and price books, with
 * a tenant contract holding a platform fee per session minute and a compute price per pool.
 */
class SessionCostReportTests extends BillingHttpTestSupport {

	@Autowired
	private SessionCosts costs;

	@Autowired
	private UsageSink sink;

	@Test
	void costOfWhenSessionHasUsageThenItemisedByMetricInTheTenantsCurrency() {
		TestTenant tenant = newTenant();
		asPlatformAdmin().post()
			.uri("/v1/admin/price-books")
			.bodyValue(Map.of("name", "Contract", "currency", "USD", "effective_from", "2026-01-01T00:00:00Z",
					"tenant_id", tenant.id(), "prices",
					List.of(Map.of("model", "*", "metric", "session_seconds", "unit", "per_minute", "unit_price",
							"0.015"),
							Map.of("model", "*", "metric", "compute_seconds", "compute", "gpu-a", "unit",
									"per_minute", "unit_price", "0.09"))))
			.exchange()
			.expectStatus()
			.isCreated();
		Instant at = Instant.parse("2026-11-02T10:00:00Z");
		this.sink.record(List.of(event(tenant.id(), "sess_1:r1:output_audio_tokens", "sess_1", "output_audio_tokens",
				"1234567", null, at),
				event(tenant.id(), "sess_1:session_seconds", "sess_1", "session_seconds", "908.330", "gpu-a", at),
				event(tenant.id(), "sess_1:compute_seconds", "sess_1", "compute_seconds", "908.330", "gpu-a", at),
				event(tenant.id(), "sess_2:session_seconds", "sess_2", "session_seconds", "60", "gpu-a", at)))
			.block();

		SessionCost cost = this.costs.costOf(tenant.id(), "sess_1").block();

		// 1,234,567 × 64 / 1M = 79.012288 → 79.01; 908.33 s × 0.09 / 60 = 1.362495 → 1.36;
		// 908.33 s × 0.015 / 60 = 0.2270825; items in metric order, rounded as running totals:
		// 1.362495 → 1.36, 80.374783 → 80.37 (79.01), 80.6018655 → 80.60 (0.23)
		assertThat(cost.currency()).isEqualTo("USD");
		assertThat(cost.items()).extracting((item) -> item.metric() + " " + item.cost())
			.containsExactly("compute_seconds 1.36", "output_audio_tokens 79.01", "session_seconds 0.23");
		assertThat(cost.total()).isEqualTo(new BigDecimal("80.60"));
		assertThat(cost.items().get(2).quantity()).isEqualByComparingTo("908.33");
	}

	@Test
	void costOfWhenAnotherTenantsSessionThenNothing() {
		TestTenant tenant = newTenant();
		TestTenant other = newTenant();
		this.sink.record(List.of(event(tenant.id(), "s:r:k", "sess_9", "output_audio_tokens", "1000000", null,
				Instant.parse("2026-11-02T10:00:00Z")))).block();

		assertThat(this.costs.costOf(tenant.id(), "sess_9").block().total()).isEqualTo(new BigDecimal("64.00"));
		SessionCost none = this.costs.costOf(other.id(), "sess_9").block();
		assertThat(none.items()).isEmpty();
		assertThat(none.total()).isEqualTo(new BigDecimal("0.00"));
		assertThat(none.currency()).isEqualTo("USD");
	}

	private static UsageEvent event(String tenantId, String key, String session, String metric, String quantity,
			String compute, Instant at) {
		return new UsageEvent(tenantId, key, "agt_1", 1, session, 1, "gpt-realtime", "us-east", compute, metric,
				new BigDecimal(quantity), at, Map.of());
	}

}

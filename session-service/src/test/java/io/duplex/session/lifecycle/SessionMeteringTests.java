package io.duplex.session.lifecycle;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSink;
import io.duplex.session.rest.SessionApiTestSupport;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session's time is metered when it ends ({@code session_seconds}, {@code compute_seconds}, once
 * however many times it is ended), and the session resource shows its cost so far, itemised by
 * metric, priced by billing's price books (the real billing module on the test classpath).
 */
class SessionMeteringTests extends SessionApiTestSupport {

	@Autowired
	private UsageSink usage;

	@Test
	void getWhenSessionEndedThenItsTimeIsMeteredOnceAndItsCostItemised() {
		TestTenant tenant = newTenant();
		// the tenant's contract: a platform fee of 0.03 per session minute, compute at 0.06 per minute
		post(asPlatformAdmin(), "/v1/admin/price-books", Map.of("name", "Contract", "currency", "USD",
				"effective_from", "2020-01-01T00:00:00Z", "tenant_id", tenant.id(), "prices",
				List.of(Map.of("model", "*", "metric", "session_seconds", "unit", "per_minute", "unit_price", "0.03"),
						Map.of("model", "*", "metric", "compute_seconds", "unit", "per_minute", "unit_price",
								"0.06"))));
		Map<String, Object> created = createSession(tenant.adminKey(), newAgent(tenant.adminKey()));
		String id = created.get("id").toString();
		this.sessions.markActive(tenant.id(), id, "node_a").as(StepVerifier::create).verifyComplete();
		// what the engine records for a response: 1,000,000 audio output tokens of the session's model
		this.usage.record(List.of(new UsageEvent(tenant.id(), id + ":resp_1:output_audio_tokens", null, null, id, 1,
				created.get("model").toString(), null, null, UsageEvent.OUTPUT_AUDIO_TOKENS, new BigDecimal("1000000"),
				Instant.now(), Map.of()))).as(StepVerifier::create).expectNext(1).verifyComplete();

		Map<String, Object> running = session(tenant.adminKey(), id);
		assertThat(object(running.get("cost"))).containsEntry("currency", "USD").containsEntry("total", "64.00");

		this.sessions.markEnded(tenant.id(), id, "client_closed")
			.then(this.sessions.markEnded(tenant.id(), id, "idle_timeout"))
			.as(StepVerifier::create)
			.verifyComplete();
		end(tenant.adminKey(), id);

		Map<String, Object> ended = session(tenant.adminKey(), id);
		BigDecimal seconds = new BigDecimal(ended.get("duration_seconds").toString());
		Map<String, Object> cost = object(ended.get("cost"));
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> items = (List<Map<String, Object>>) cost.get("items");
		assertThat(items).extracting((item) -> item.get("metric"))
			.containsExactly("compute_seconds", "output_audio_tokens", "session_seconds");
		// ended three times, metered once: each time metric holds the session's duration exactly
		assertThat(new BigDecimal(items.get(0).get("quantity").toString())).isEqualByComparingTo(seconds);
		assertThat(new BigDecimal(items.get(2).get("quantity").toString())).isEqualByComparingTo(seconds);
		assertThat(items.get(1)).containsEntry("quantity", "1000000.000000").containsEntry("cost", "64.00");
		BigDecimal total = items.stream().map((item) -> new BigDecimal(item.get("cost").toString()))
			.reduce(BigDecimal.ZERO, BigDecimal::add);
		assertThat(new BigDecimal(cost.get("total").toString())).isEqualTo(total);
		// 0.09 per minute in all, rounded once per item
		BigDecimal exactTime = seconds.multiply(new BigDecimal("0.09")).divide(BigDecimal.valueOf(60),
				java.math.MathContext.DECIMAL64);
		assertThat(total.subtract(new BigDecimal("64.00")).subtract(exactTime).abs())
			.isLessThanOrEqualTo(new BigDecimal("0.01"));
	}

	@Test
	void getWhenSessionIsAnotherTenantsThen404AndListsCarryNoCost() {
		TestTenant tenant = newTenant();
		TestTenant other = newTenant();
		String id = createSession(tenant.adminKey(), newAgent(tenant.adminKey())).get("id").toString();

		as(other.adminKey()).get().uri("/v1/sessions/{id}", id).exchange().expectStatus().isNotFound();
		assertThat(object(session(tenant.adminKey(), id).get("cost"))).isEqualTo(Map.of("currency", "USD", "total",
				"0.00", "items", List.of()));
		Map<String, Object> list = get(as(tenant.adminKey()), "/v1/sessions");
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> data = (List<Map<String, Object>>) list.get("data");
		assertThat(data).singleElement().satisfies((row) -> assertThat(row).doesNotContainKey("cost"));
	}

}

package io.duplex.billing.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;

import io.duplex.billing.BillingHttpTestSupport;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSink;
import io.duplex.core.usage.UsageSource;
import io.duplex.test.Csv;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/usage} and its CSV export over HTTP, with usage recorded through the
 * {@link UsageSink} port and priced by the default book (figures computed by hand).
 */
class UsageReportTests extends BillingHttpTestSupport {

	private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {
	};

	private static final String NOVEMBER = "from=2026-11-01&to=2026-12-01";

	@Autowired
	private UsageSink sink;

	@Test
	void reportWhenGroupedThenExactCostsPerLineRoundedOnce() {
		TestTenant tenant = newTenant();
		String finance = newKey(tenant.id(), "finance");
		recordNovember(tenant.id());

		// 1,234,567 audio output tokens at 64.00/M = 79.012288 → 79.01; 500,000 text output tokens of
		// the mini model at 2.40/M = 1.20; 250,000 sandbox audio input tokens at 32.00/M = 8.00
		assertThat(report(finance, NOVEMBER + "&group_by=model,metric")).containsExactly(
				Map.of("model", "gpt-4o-mini-realtime-preview", "metric", "output_text_tokens", "quantity",
						"500000.000000", "cost", "1.20", "currency", "USD"),
				Map.of("model", "gpt-realtime", "metric", "output_audio_tokens", "quantity", "1234567.000000", "cost",
						"79.01", "currency", "USD"),
				Map.of("model", "sandbox", "metric", "input_audio_tokens", "quantity", "250000.000000", "cost", "8.00",
						"currency", "USD"));
		// by day: 64.00 + 1.20 + 8.00 on the 2nd, 234,567 × 64 / 1M = 15.012288 on the 3rd
		assertThat(report(finance, NOVEMBER + "&group_by=day")).extracting((line) -> line.get("day") + " "
				+ line.get("cost")).containsExactly("2026-11-02 73.20", "2026-11-03 15.01");
		assertThat(report(finance, NOVEMBER)).containsExactly(
				Map.of("quantity", "1984567.000000", "cost", "88.21", "currency", "USD"));
		assertThat(report(finance, NOVEMBER + "&model=sandbox")).extracting((line) -> line.get("cost"))
			.containsExactly("8.00");
		assertThat(report(finance, NOVEMBER + "&agent=agt_b&group_by=agent,tag:team"))
			.containsExactly(Map.of("agent", "agt_b", "tag:team", "support", "quantity", "250000.000000", "cost",
					"8.00", "currency", "USD"));
		// the 3rd alone
		assertThat(report(finance, "from=2026-11-03&to=2026-11-04")).extracting((line) -> line.get("cost"))
			.containsExactly("15.01");
	}

	@Test
	void reportAndExportsWhenTenantReportsUnderAPlatformKeyThenEachSourceShowsApart() {
		TestTenant tenant = newTenant();
		String finance = newKey(tenant.id(), "finance");
		Instant at = Instant.parse("2026-11-05T10:00:00Z");
		String key = "sess_src:resp_1:output_audio_tokens";
		record(new UsageEvent(tenant.id(), key, "agt_a", 1, "sess_src", 1, "gpt-realtime", "us-east", null,
				"output_audio_tokens", new BigDecimal("1000000"), at, Map.of(), UsageSource.PLATFORM, false),
				new UsageEvent(tenant.id(), "sess_src:resp_2:output_audio_tokens", "agt_a", 1, "sess_src", 1,
						"gpt-realtime", "us-east", null, "output_audio_tokens", new BigDecimal("500000"), at, Map.of(),
						UsageSource.PLATFORM, true));
		as(newKey(tenant.id(), "developer")).post()
			.uri("/v1/usage/events")
			.bodyValue(Map.of("data", List.of(Map.of("idempotency_key", key, "metric", "output_audio_tokens",
					"quantity", 250000, "occurred_at", at.toString(), "model", "gpt-realtime"))))
			.exchange()
			.expectStatus()
			.isOk();

		// 1,000,000 + 500,000 (estimated) platform tokens and 250,000 reported, at 64.00/M
		assertThat(report(finance, NOVEMBER + "&group_by=source,estimated")).containsExactly(
				Map.of("source", "platform", "estimated", "false", "quantity", "1000000.000000", "cost", "64.00",
						"currency", "USD"),
				Map.of("source", "platform", "estimated", "true", "quantity", "500000.000000", "cost", "32.00",
						"currency", "USD"),
				Map.of("source", "tenant", "estimated", "false", "quantity", "250000.000000", "cost", "16.00",
						"currency", "USD"));
		List<List<String>> csv = Csv.parse(getText(finance, "/v1/usage/export?format=csv&" + NOVEMBER));
		assertThat(csv.subList(1, csv.size())).extracting((row) -> row.get(11) + " " + row.get(12) + " " + row.get(5))
			.containsExactlyInAnyOrder("platform false 1000000.000000", "platform true 500000.000000",
					"tenant false 250000.000000");
		List<List<String>> focus = Csv.parse(getText(finance, "/v1/usage/export?format=focus&" + NOVEMBER));
		int source = focus.get(0).indexOf("x_Source");
		int estimated = focus.get(0).indexOf("x_Estimated");
		assertThat(focus.subList(1, focus.size())).extracting((row) -> row.get(source) + " " + row.get(estimated))
			.containsExactlyInAnyOrder("platform false", "platform true", "tenant false");
	}

	@Test
	void reportWhenRoleIsNotFinanceOrTenantAdminThen403AndOtherTenantsStayInvisible() {
		TestTenant tenant = newTenant();
		TestTenant other = newTenant();
		recordNovember(tenant.id());

		for (String role : List.of("developer", "viewer")) {
			as(newKey(tenant.id(), role)).get()
				.uri("/v1/usage?" + NOVEMBER)
				.exchange()
				.expectStatus()
				.isForbidden()
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo("https://duplex.dev/problems/forbidden");
		}
		assertThat(report(tenant.adminKey(), NOVEMBER)).extracting((line) -> line.get("cost")).containsExactly("88.21");
		assertThat(report(other.adminKey(), NOVEMBER)).isEmpty();
		assertThat(report(newKey(other.id(), "finance"), NOVEMBER + "&group_by=tenant")).isEmpty();
		as(other.adminKey()).get()
			.uri("/v1/usage?" + NOVEMBER + "&tenant=" + tenant.id())
			.exchange()
			.expectStatus()
			.isNotFound();
		assertThat(report(TestKeysHolder.ADMIN, NOVEMBER + "&tenant=" + tenant.id()))
			.extracting((line) -> line.get("cost"))
			.containsExactly("88.21");
	}

	@Test
	void reportWhenPlatformAdminWithoutTenantThenAcrossTenants() {
		TestTenant a = newTenant();
		TestTenant b = newTenant();
		// a day of year 2150 that no other test records usage in
		Instant at = Instant.parse("2150-03-04T05:06:07Z");
		record(event(a.id(), "a1", "gpt-realtime", "output_audio_tokens", "1000000", at));
		record(event(b.id(), "b1", "gpt-realtime", "output_audio_tokens", "500000", at));

		List<Map<String, Object>> lines = report(TestKeysHolder.ADMIN,
				"from=2150-03-04&to=2150-03-05&group_by=tenant");

		assertThat(lines).extracting((line) -> line.get("tenant") + " " + line.get("cost"))
			.containsExactlyInAnyOrder(a.id() + " 64.00", b.id() + " 32.00");
		assertThat(report(a.adminKey(), "from=2150-03-04&to=2150-03-05&group_by=tenant"))
			.extracting((line) -> line.get("tenant"))
			.containsExactly(a.id());
	}

	@Test
	void reportWhenTenantDiscountStartsMidMonthThenUsageSplitsAtTheInstant() {
		TestTenant tenant = newTenant();
		asPlatformAdmin().post()
			.uri("/v1/admin/price-books")
			.bodyValue(Map.of("name", "Contract", "currency", "USD", "effective_from", "2026-11-03T00:00:00Z",
					"tenant_id", tenant.id(), "discount_percent", "10"))
			.exchange()
			.expectStatus()
			.isCreated();
		record(event(tenant.id(), "before", "gpt-realtime", "output_audio_tokens", "1000000",
				Instant.parse("2026-11-02T23:59:59.999999Z")),
				event(tenant.id(), "at", "gpt-realtime", "output_audio_tokens", "1000000",
						Instant.parse("2026-11-03T00:00:00Z")));

		// 64.00 before the contract, 64.00 less 10% = 57.60 from its first instant on
		assertThat(report(tenant.adminKey(), NOVEMBER + "&group_by=day")).extracting((line) -> line.get("cost"))
			.containsExactly("64.00", "57.60");
		assertThat(report(tenant.adminKey(), NOVEMBER)).extracting((line) -> line.get("cost"))
			.containsExactly("121.60");
	}

	@Test
	void reportWhenParametersAreInvalidThen422() {
		TestTenant tenant = newTenant();
		as(tenant.adminKey()).get()
			.uri("/v1/usage?to=2026-11-01&group_by=color")
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[*].field")
			.isEqualTo(List.of("from", "group_by"));
		as(tenant.adminKey()).get()
			.uri("/v1/usage?from=2026-12-01&to=2026-11-01")
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.param")
			.isEqualTo("to");
	}

	@Test
	void exportWhenCsvThenOneRowPerRatedLineAndCostsAddUpToTheReportToTheCent() {
		TestTenant tenant = newTenant();
		String finance = newKey(tenant.id(), "finance");
		Random random = new Random(42);
		List<UsageEvent> events = new ArrayList<>();
		List<String> models = List.of("gpt-realtime", "gpt-4o-mini-realtime-preview", "sandbox");
		List<String> metrics = List.of("input_text_tokens", "input_audio_tokens", "cached_input_text_tokens",
				"cached_input_audio_tokens", "output_text_tokens", "output_audio_tokens");
		// mid-month, the tenant gets 7.5% off list prices, then a contract price for audio output
		contractBook(tenant.id(), "2026-11-15T00:00:00Z", "7.5", List.of());
		contractBook(tenant.id(), "2026-11-20T12:00:00Z", "7.5", List.of(Map.of("model", "gpt-realtime",
				"metric", "output_audio_tokens", "unit", "per_million_tokens", "unit_price", "50.1234567891")));
		for (int i = 0; i < 400; i++) {
			String session = "sess_" + random.nextInt(20);
			events.add(new UsageEvent(tenant.id(), "k" + i, "agt_" + random.nextInt(3), 1, session, 1,
					models.get(random.nextInt(3)), "us-east", null, metrics.get(random.nextInt(6)),
					new BigDecimal(random.nextInt(5000) + 1), Instant.parse("2026-11-01T00:00:00Z")
						.plusSeconds(random.nextInt(29 * 24 * 3600)),
					Map.of("team", "sales, \"east\"")));
		}
		List<UsageEvent> shuffled = new ArrayList<>(events);
		java.util.Collections.shuffle(shuffled, random); // arrival order is not time order
		record(shuffled.subList(0, 200).toArray(UsageEvent[]::new));
		record(shuffled.subList(100, 400).toArray(UsageEvent[]::new)); // half of them twice: changes nothing

		String csv = as(finance).get()
			.uri("/v1/usage/export?format=csv&" + NOVEMBER)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith("text/csv")
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		List<List<String>> rows = Csv.parse(csv);

		assertThat(rows.get(0)).containsExactly("tenant", "session", "agent", "model", "metric", "quantity", "unit",
				"unit_price", "cost", "currency", "tags", "source", "estimated");
		List<List<String>> data = rows.subList(1, rows.size());
		assertThat(data).allSatisfy((row) -> {
			assertThat(row).hasSize(13);
			assertThat(row.get(0)).isEqualTo(tenant.id());
			assertThat(row.get(6)).isEqualTo("per_million_tokens");
			assertThat(row.get(10)).isEqualTo("{\"team\":\"sales, \\\"east\\\"\"}");
			assertThat(row.subList(11, 13)).containsExactly("platform", "false");
		});
		BigDecimal csvTotal = data.stream().map((row) -> new BigDecimal(row.get(8))).reduce(BigDecimal.ZERO,
				BigDecimal::add);
		BigDecimal csvQuantity = data.stream().map((row) -> new BigDecimal(row.get(5))).reduce(BigDecimal.ZERO,
				BigDecimal::add);
		// each row's cost is quantity × unit price within a cent
		assertThat(data).allSatisfy((row) -> assertThat(new BigDecimal(row.get(5)).multiply(new BigDecimal(row.get(7)))
			.movePointLeft(6)
			.subtract(new BigDecimal(row.get(8)))
			.abs()).isLessThan(new BigDecimal("0.01")));
		BigDecimal exact = events.stream().map(UsageReportTests::contractPrice).reduce(BigDecimal.ZERO,
				BigDecimal::add);
		Map<String, Object> total = report(finance, NOVEMBER).get(0);

		assertThat(exact.scale()).isGreaterThan(2); // the data really has fractions of a cent
		assertThat(csvTotal).isEqualTo(exact.setScale(2, RoundingMode.HALF_EVEN));
		assertThat(new BigDecimal((String) total.get("cost"))).isEqualTo(csvTotal);
		assertThat(csvQuantity).isEqualByComparingTo((String) total.get("quantity"));
		BigDecimal byLine = report(finance, NOVEMBER + "&group_by=day,agent,model,metric").stream()
			.map((line) -> new BigDecimal((String) line.get("cost")))
			.reduce(BigDecimal.ZERO, BigDecimal::add);
		assertThat(byLine).isEqualTo(csvTotal);
	}

	@Test
	void exportWhenFormatIsUnknownOrRoleIsDeveloperThenRefused() {
		TestTenant tenant = newTenant();
		as(tenant.adminKey()).get()
			.uri("/v1/usage/export?format=pdf&" + NOVEMBER)
			.exchange()
			.expectStatus()
			.isEqualTo(422);
		as(newKey(tenant.id(), "developer")).get()
			.uri("/v1/usage/export?format=csv&" + NOVEMBER)
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	/** What the test's contract makes of the list price of an event, exact, computed by hand. */
	private static BigDecimal contractPrice(UsageEvent event) {
		Instant at = event.occurredAt();
		if (at.isBefore(Instant.parse("2026-11-15T00:00:00Z"))) {
			return listPrice(event);
		}
		if (!at.isBefore(Instant.parse("2026-11-20T12:00:00Z")) && event.model().equals("gpt-realtime")
				&& event.metric().equals("output_audio_tokens")) {
			return event.quantity().multiply(new BigDecimal("50.1234567891")).movePointLeft(6);
		}
		return listPrice(event).multiply(new BigDecimal("0.925"));
	}

	/** The default book's price of an event, exact, computed independently of the rater. */
	private static BigDecimal listPrice(UsageEvent event) {
		Map<String, String> realtime = Map.of("input_text_tokens", "4.00", "cached_input_text_tokens", "0.40",
				"output_text_tokens", "16.00", "input_audio_tokens", "32.00", "cached_input_audio_tokens", "0.40",
				"output_audio_tokens", "64.00");
		Map<String, String> mini = Map.of("input_text_tokens", "0.60", "cached_input_text_tokens", "0.30",
				"output_text_tokens", "2.40", "input_audio_tokens", "10.00", "cached_input_audio_tokens", "0.30",
				"output_audio_tokens", "20.00");
		Map<String, String> prices = event.model().equals("gpt-4o-mini-realtime-preview") ? mini : realtime;
		return event.quantity().multiply(new BigDecimal(prices.get(event.metric()))).movePointLeft(6);
	}

	private void recordNovember(String tenantId) {
		record(event(tenantId, "1", "gpt-realtime", "output_audio_tokens", "1000000",
				Instant.parse("2026-11-02T10:00:00Z")),
				event(tenantId, "2", "gpt-realtime", "output_audio_tokens", "234567",
						Instant.parse("2026-11-03T10:00:00Z")),
				event(tenantId, "3", "gpt-4o-mini-realtime-preview", "output_text_tokens", "500000",
						Instant.parse("2026-11-02T11:00:00Z")),
				withAgent(event(tenantId, "4", "sandbox", "input_audio_tokens", "250000",
						Instant.parse("2026-11-02T12:00:00Z")), "agt_b"),
				// outside November
				event(tenantId, "5", "gpt-realtime", "output_audio_tokens", "1000000",
						Instant.parse("2026-12-01T00:00:00Z")));
	}

	private void record(UsageEvent... events) {
		this.sink.record(List.of(events)).block();
	}

	private List<Map<String, Object>> report(String key, String query) {
		Map<String, Object> body = as(key).get()
			.uri("/v1/usage?" + query)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(MAP)
			.returnResult()
			.getResponseBody();
		assertThat(body).containsEntry("object", "list");
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> data = (List<Map<String, Object>>) body.get("data");
		return data;
	}

	private static UsageEvent event(String tenantId, String key, String model, String metric, String quantity,
			Instant at) {
		return new UsageEvent(tenantId, key, "agt_a", 1, "sess_" + key, 1, model, "us-east", null, metric,
				new BigDecimal(quantity), at, Map.of("team", "sales"));
	}

	private static UsageEvent withAgent(UsageEvent event, String agent) {
		return new UsageEvent(event.tenantId(), event.idempotencyKey(), agent, event.agentVersion(), event.sessionId(),
				event.segment(), event.model(), event.region(), event.compute(), event.metric(), event.quantity(),
				event.occurredAt(), Map.of("team", "support"));
	}

	private static final class TestKeysHolder {

		static final String ADMIN = io.duplex.test.TestKeys.PLATFORM_ADMIN;

	}

}

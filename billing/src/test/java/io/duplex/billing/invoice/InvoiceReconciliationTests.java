package io.duplex.billing.invoice;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.r2dbc.core.DatabaseClient;

import io.duplex.billing.BillingHttpTestSupport;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSink;
import io.duplex.core.usage.UsageSource;
import io.duplex.test.Csv;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acceptance: random usage of several tenants (random models, metrics, pools, duplicates, arrival
 * out of order, a contract price change in the middle of the month, per-minute fees) gives, for
 * each tenant, invoice total = FOCUS BilledCost sum = CSV cost sum = XLSX cost sum = report total =
 * Σ quantity × price in force, computed here independently, exactly (rounded once, half-even).
 * Replaying every event twice changes nothing; a finalization that dies half-way stores nothing
 * and the next run gets the same totals.
 */
class InvoiceReconciliationTests extends BillingHttpTestSupport {

	private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {
	};

	/** A month long past, so its invoices may be finalized; no other test records usage in it. */
	private static final LocalDate MONTH = LocalDate.parse("2025-02-01");

	private static final String PERIOD = "from=2025-02-01&to=2025-03-01";

	private static final Instant CHANGE = Instant.parse("2025-02-14T13:37:00Z");

	private static final List<String> MODELS = List.of("gpt-realtime", "gpt-4o-mini-realtime-preview", "sandbox");

	private static final List<String> METRICS = List.of("input_text_tokens", "input_audio_tokens",
			"cached_input_text_tokens", "cached_input_audio_tokens", "output_text_tokens", "output_audio_tokens",
			"session_seconds", "compute_seconds");

	private static final List<String> POOLS = Arrays.asList("gpu-a", "cpu-b", null);

	@Autowired
	private UsageSink sink;

	@Autowired
	private InvoiceService invoices;

	@Autowired
	private DatabaseClient db;

	@Test
	void totalsWhenUsageIsRandomThenEveryViewAgreesExactlyAndReplayChangesNothing() {
		Random random = new Random(20250214);
		List<TestTenant> tenants = List.of(newTenant(), newTenant(), newTenant());
		Map<String, List<UsageEvent>> byTenant = new LinkedHashMap<>();
		Map<String, List<UsageEvent>> reportedBy = new LinkedHashMap<>();
		List<UsageEvent> all = new ArrayList<>();
		for (TestTenant tenant : tenants) {
			contract(tenant.id());
			List<UsageEvent> events = randomUsage(tenant.id(), random, 300);
			// 50 events of model usage the tenant reports itself (it may not report seconds); the
			// platform meters the rest
			List<UsageEvent> reported = events.stream()
				.filter((event) -> !event.metric().endsWith("_seconds"))
				.limit(50)
				.map(InvoiceReconciliationTests::reportedByTenant)
				.toList();
			List<UsageEvent> metered = events.stream()
				.filter((event) -> reported.stream()
					.noneMatch((own) -> own.idempotencyKey().equals(event.idempotencyKey())))
				.toList();
			List<UsageEvent> both = new ArrayList<>(metered);
			both.addAll(reported);
			byTenant.put(tenant.id(), both);
			reportedBy.put(tenant.id(), reported);
			all.addAll(metered);
		}
		List<UsageEvent> arrival = new ArrayList<>(all);
		Collections.shuffle(arrival, random);
		// duplicates and out-of-order arrival: overlapping batches, and the tenants' own reports
		// through the HTTP endpoint, twice
		for (int i = 0; i < arrival.size(); i += 97) {
			List<UsageEvent> batch = arrival.subList(i, Math.min(arrival.size(), i + 150));
			this.sink.record(batch).block();
		}
		for (TestTenant tenant : tenants) {
			postThroughApi(tenant, reportedBy.get(tenant.id()), 50);
			postThroughApi(tenant, reportedBy.get(tenant.id()), 0);
		}

		Map<String, BigDecimal> first = new LinkedHashMap<>();
		for (TestTenant tenant : tenants) {
			BigDecimal exact = byTenant.get(tenant.id()).stream().map(InvoiceReconciliationTests::oraclePrice)
				.reduce(BigDecimal.ZERO, BigDecimal::add);
			BigDecimal expected = exact.setScale(2, RoundingMode.HALF_EVEN);
			assertThat(exact.scale()).isGreaterThan(2);
			assertThat(viewsOf(tenant)).as("views of " + tenant.id()).containsOnly(expected);
			first.put(tenant.id(), expected);
		}

		// replay everything twice: nothing changes
		this.sink.record(all).block();
		this.sink.record(all).block();
		for (TestTenant tenant : tenants) {
			postThroughApi(tenant, reportedBy.get(tenant.id()), 0);
		}
		for (TestTenant tenant : tenants) {
			assertThat(viewsOf(tenant)).containsOnly(first.get(tenant.id()));
		}

		// finalize: the stored invoice keeps the total; a second run changes nothing
		for (TestTenant tenant : tenants) {
			this.invoices.finalizeMonth(tenant.id(), MONTH).as(StepVerifier::create).expectNext(true).verifyComplete();
			this.invoices.finalizeMonth(tenant.id(), MONTH).as(StepVerifier::create).expectNext(false).verifyComplete();
			Map<String, Object> invoice = onlyInvoice(tenant);
			assertThat(invoice).containsEntry("status", "finalized");
			assertThat(new BigDecimal((String) invoice.get("total"))).isEqualTo(first.get(tenant.id()));
			assertThat(viewsOf(tenant)).containsOnly(first.get(tenant.id()));
		}
	}

	@Test
	void finalizeWhenItDiesHalfWayThenNothingIsStoredAndTheNextRunIsExact() {
		TestTenant tenant = newTenant();
		contract(tenant.id());
		List<UsageEvent> events = randomUsage(tenant.id(), new Random(7), 200);
		this.sink.record(events).block();
		BigDecimal expected = events.stream().map(InvoiceReconciliationTests::oraclePrice)
			.reduce(BigDecimal.ZERO, BigDecimal::add).setScale(2, RoundingMode.HALF_EVEN);
		// the rating step is killed after it has written some lines: the database refuses the fifth
		String trigger = "kill_" + tenant.id().toLowerCase();
		this.db.sql("CREATE FUNCTION billing." + trigger + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
				+ "IF NEW.tenant_id = '" + tenant.id() + "' AND NEW.line = 5 THEN RAISE EXCEPTION 'killed'; END IF; "
				+ "RETURN NEW; END $$").then().block();
		this.db.sql("CREATE TRIGGER " + trigger + " BEFORE INSERT ON billing.invoice_line FOR EACH ROW EXECUTE "
				+ "FUNCTION billing." + trigger + "()").then().block();
		try {
			this.invoices.finalizeMonth(tenant.id(), MONTH).as(StepVerifier::create).verifyError();
			assertThat(onlyInvoice(tenant)).containsEntry("status", "draft");
			assertThat(this.db.sql("SELECT count(*) AS n FROM billing.invoice_line WHERE tenant_id = :t")
				.bind("t", tenant.id()).map((row) -> row.get("n", Long.class)).one().block()).isZero();
		}
		finally {
			// the restart: the cause is gone
			this.db.sql("DROP TRIGGER " + trigger + " ON billing.invoice_line").then().block();
			this.db.sql("DROP FUNCTION billing." + trigger + "()").then().block();
		}

		this.invoices.finalizeMonth(tenant.id(), MONTH).as(StepVerifier::create).expectNext(true).verifyComplete();

		Map<String, Object> invoice = onlyInvoice(tenant);
		assertThat(invoice).containsEntry("status", "finalized");
		assertThat(new BigDecimal((String) invoice.get("total"))).isEqualTo(expected);
		assertThat(viewsOf(tenant)).containsOnly(expected);
	}

	/**
	 * The tenant's February total as seen by the report, the CSV, FOCUS and XLSX exports, the
	 * invoice and the sum of the invoice's lines (JSON and CSV).
	 */
	private List<BigDecimal> viewsOf(TestTenant tenant) {
		String finance = newKey(tenant.id(), "finance");
		List<BigDecimal> views = new ArrayList<>();
		Map<String, Object> report = as(finance).get().uri("/v1/usage?" + PERIOD).exchange().expectStatus().isOk()
			.expectBody(MAP).returnResult().getResponseBody();
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> lines = (List<Map<String, Object>>) report.get("data");
		views.add(new BigDecimal((String) lines.get(0).get("cost")));
		views.add(columnSum(export(finance, "csv"), "cost"));
		views.add(columnSum(export(finance, "focus"), "BilledCost"));
		views.add(xlsxCostSum(as(finance).get().uri("/v1/usage/export?format=xlsx&" + PERIOD).exchange()
			.expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody()));
		Map<String, Object> invoice = onlyInvoice(tenant);
		views.add(new BigDecimal((String) invoice.get("total")));
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> invoiceLines = (List<Map<String, Object>>) invoice.get("lines");
		views.add(invoiceLines.stream().map((line) -> new BigDecimal((String) line.get("cost")))
			.reduce(new BigDecimal("0.00"), BigDecimal::add));
		String csv = as(finance).get().uri("/v1/invoices/{id}?format=csv", invoice.get("id")).exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		List<List<String>> rows = Csv.parse(csv);
		views.add(rows.subList(1, rows.size() - 1).stream().map((row) -> new BigDecimal(row.get(7)))
			.reduce(new BigDecimal("0.00"), BigDecimal::add));
		views.add(new BigDecimal(rows.get(rows.size() - 1).get(7)));
		return views;
	}

	private Map<String, Object> onlyInvoice(TestTenant tenant) {
		Map<String, Object> page = as(tenant.adminKey()).get().uri("/v1/invoices").exchange().expectStatus().isOk()
			.expectBody(MAP).returnResult().getResponseBody();
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> data = (List<Map<String, Object>>) page.get("data");
		assertThat(data).hasSize(1);
		assertThat(data.get(0)).containsEntry("period_start", "2025-02-01T00:00:00Z")
			.containsEntry("period_end", "2025-03-01T00:00:00Z").containsEntry("currency", "USD");
		Map<String, Object> one = as(tenant.adminKey()).get().uri("/v1/invoices/{id}", data.get(0).get("id"))
			.exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
		assertThat(one).isEqualTo(data.get(0));
		return one;
	}

	private String export(String key, String format) {
		return as(key).get().uri("/v1/usage/export?format=" + format + "&" + PERIOD).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
	}

	private static BigDecimal columnSum(String csv, String column) {
		List<List<String>> rows = Csv.parse(csv);
		int index = rows.get(0).indexOf(column);
		assertThat(index).isNotNegative();
		return rows.subList(1, rows.size()).stream().map((row) -> new BigDecimal(row.get(index)))
			.reduce(new BigDecimal("0.00"), BigDecimal::add);
	}

	/** The sum of column I (cost) of the first worksheet of an XLSX file. */
	private static BigDecimal xlsxCostSum(byte[] xlsx) {
		String sheet;
		// read through the central directory, as spreadsheet programs do (entries are streamed with
		// data descriptors, which ZipInputStream does not read)
		try {
			Path file = Files.createTempFile("export", ".xlsx");
			try {
				Files.write(file, xlsx);
				try (ZipFile zip = new ZipFile(file.toFile())) {
					ZipEntry entry = zip.getEntry("xl/worksheets/sheet1.xml");
					assertThat(entry).isNotNull();
					sheet = new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
				}
			}
			finally {
				Files.delete(file);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		assertThat(sheet).isNotNull();
		Matcher cost = Pattern.compile("<c r=\"I([0-9]+)\"[^>]*><v>([^<]*)</v></c>").matcher(sheet);
		BigDecimal sum = new BigDecimal("0.00");
		int cells = 0;
		while (cost.find()) {
			if (!cost.group(1).equals("1")) {
				sum = sum.add(new BigDecimal(cost.group(2)));
				cells++;
			}
		}
		assertThat(cells).isPositive();
		return sum;
	}

	/** The event as the tenant reports it through the API (which has no agent version or segment). */
	private static UsageEvent reportedByTenant(UsageEvent event) {
		return new UsageEvent(event.tenantId(), event.idempotencyKey(), event.agentId(), null, event.sessionId(), null,
				event.model(), event.region(), event.compute(), event.metric(), event.quantity(), event.occurredAt(),
				event.tags(), UsageSource.TENANT, false);
	}

	/** Posts the tenant's reports; {@code recorded} of them are new, the rest repeats. */
	private void postThroughApi(TestTenant tenant, List<UsageEvent> events, int recorded) {
		List<Map<String, Object>> data = new ArrayList<>();
		for (UsageEvent event : events) {
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("idempotency_key", event.idempotencyKey());
			item.put("metric", event.metric());
			item.put("quantity", event.quantity().toPlainString());
			item.put("occurred_at", event.occurredAt().toString());
			item.put("model", event.model());
			item.put("agent", event.agentId());
			item.put("session", event.sessionId());
			item.put("region", event.region());
			item.put("compute", event.compute());
			item.put("tags", event.tags());
			data.add(item);
		}
		as(tenant.adminKey()).post().uri("/v1/usage/events").bodyValue(Map.of("data", data)).exchange().expectStatus()
			.isOk().expectBody().jsonPath("$.recorded").isEqualTo(recorded).jsonPath("$.duplicates")
			.isEqualTo(events.size() - recorded);
	}

	/** Contract prices: per-minute fees from the 1st, changed (with a discount) mid-month at {@link #CHANGE}. */
	private void contract(String tenantId) {
		contractBook(tenantId, "2025-02-01T00:00:00Z", "0",
				List.of(price("*", "session_seconds", null, "per_minute", "0.0125"),
						price("*", "compute_seconds", "gpu-a", "per_minute", "0.07"),
						price("*", "compute_seconds", null, "per_minute", "0.02")));
		contractBook(tenantId, CHANGE.toString(), "12.5",
				List.of(price("*", "session_seconds", null, "per_minute", "0.011"),
						price("*", "compute_seconds", "gpu-a", "per_minute", "0.065"),
						price("*", "compute_seconds", null, "per_minute", "0.02"),
						price("gpt-realtime", "output_audio_tokens", null, "per_million_tokens", "55.5555555555")));
	}

	private static List<UsageEvent> randomUsage(String tenantId, Random random, int count) {
		List<UsageEvent> events = new ArrayList<>();
		Instant start = Instant.parse("2025-02-01T00:00:00Z");
		for (int i = 0; i < count; i++) {
			String metric = METRICS.get(random.nextInt(METRICS.size()));
			Instant at = switch (random.nextInt(10)) {
				case 0 -> CHANGE;
				case 1 -> CHANGE.minusNanos(1000);
				case 2 -> start;
				default -> start.plusSeconds(random.nextInt(28 * 24 * 3600)).plusNanos(random.nextInt(1000) * 1000L);
			};
			BigDecimal quantity = metric.endsWith("_seconds")
					? BigDecimal.valueOf(random.nextInt(2_000_000), 3) : BigDecimal.valueOf(random.nextInt(90_000) + 1);
			String session = "sess_" + random.nextInt(25);
			events.add(new UsageEvent(tenantId, session + ":" + i + ":" + metric, "agt_" + random.nextInt(3), null,
					session, null, MODELS.get(random.nextInt(MODELS.size())), "us-east",
					POOLS.get(random.nextInt(POOLS.size())), metric, quantity, at,
					Map.of("team", random.nextBoolean() ? "sales, \"east\"" : "support")));
		}
		return events;
	}

	/** The exact price of an event under the test's contract, computed without the rater. */
	private static BigDecimal oraclePrice(UsageEvent event) {
		boolean after = !event.occurredAt().isBefore(CHANGE);
		if (event.metric().equals("session_seconds")) {
			return perMinute(event.quantity(), after ? "0.011" : "0.0125");
		}
		if (event.metric().equals("compute_seconds")) {
			String price = "gpu-a".equals(event.compute()) ? (after ? "0.065" : "0.07") : "0.02";
			return perMinute(event.quantity(), price);
		}
		if (after && event.model().equals("gpt-realtime") && event.metric().equals("output_audio_tokens")) {
			return event.quantity().multiply(new BigDecimal("55.5555555555")).movePointLeft(6);
		}
		BigDecimal list = listPrice(event);
		return after ? list.multiply(new BigDecimal("0.875")) : list;
	}

	/** Seconds at a price per minute, to 40 significant digits: far below any rounding to cents. */
	private static BigDecimal perMinute(BigDecimal seconds, String price) {
		return seconds.multiply(new BigDecimal(price)).divide(BigDecimal.valueOf(60), new MathContext(40));
	}

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

}

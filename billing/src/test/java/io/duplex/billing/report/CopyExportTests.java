package io.duplex.billing.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import io.duplex.billing.BillingHttpTestSupport;
import io.duplex.billing.pricing.PriceBookService;
import io.duplex.billing.pricing.PriceBooks;
import io.duplex.billing.pricing.Rater;
import io.duplex.core.tenant.TenantDirectory;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSource;
import io.duplex.core.usage.UsageSink;
import io.duplex.test.Csv;
import io.duplex.test.TestHttp;
import io.duplex.test.TestKeys;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CSV and FOCUS exports read with COPY ({@link CopyExports}): byte for byte what the R2DBC reader
 * and {@link ExportLines} make of the same usage (awkward tags, null session and agent, price
 * changes in the month, filters), filter values that try to be SQL are only values, and
 * connections and spools are given back when clients read slowly or go away in the middle.
 */
class CopyExportTests extends BillingHttpTestSupport {

	/** Months of their own, which no other test records usage in. */
	/** Buffers of the heap: what a test reads needs no release. */
	private static final DataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

	private static final String MAY = "from=2151-05-01&to=2151-06-01";

	private static final String JUNE = "from=2151-06-01&to=2151-07-01";

	private static final List<String> MODELS = List.of("gpt-realtime", "gpt-4o-mini-realtime-preview", "sandbox",
			"it's \"odd\", \\ model\ttab");

	private static final List<String> METRICS = List.of("input_text_tokens", "output_audio_tokens",
			"cached_input_audio_tokens", "session_seconds", "compute_seconds", "tts_characters");

	private static final List<Map<String, String>> TAGS = List.of(Map.of(), Map.of("team", "sales"),
			Map.of("team", "sales, \"east\""), Map.of("note", "line\nbreak\r\nand tab\t", "a", "1"),
			Map.of("slash", "back\\slash \\N \\t", "ünï", "cödé 😀 中文"), Map.of("", ""),
			Map.of("z", "last", "aa", "first", "b", "{\"json\": [1]}"));

	/** Agents whose ids a spreadsheet would take for formulas; the last two COPY escapes. */
	private static final List<String> FORMULAS = List.of("=HYPERLINK(\"http://x\",\"y\")", "+agt", "-1", "@SUM(A1)",
			"\tagt_tab", "\ragt_cr");

	@Autowired
	private UsageSink sink;

	@Autowired
	private UsageReportService reports;

	@Autowired
	private PriceBookService books;

	@Autowired
	private CopyExports copies;

	@Autowired
	private TenantDirectory tenants;

	@Autowired
	private DatabaseClient db;

	@Autowired
	private ExportLimits limits;

	@Autowired
	private ExportProperties properties;

	@LocalServerPort
	private int port;

	@Test
	void exportWhenUsageIsRandomThenCopyWritesWhatTheRowByRowReaderSums() {
		TestTenant tenant = newTenant();
		TestTenant other = newTenant();
		Random random = new Random(2151);
		// a discount and contract prices from the 10th, a per-minute fee changing on the 20th at noon
		contractBook(tenant.id(), "2151-05-10T00:00:00Z", "7.5",
				List.of(price("gpt-realtime", "output_audio_tokens", null, "per_million_tokens", "50.1234567891"),
						price("*", "session_seconds", null, "per_minute", "0.0125"),
						price("*", "compute_seconds", "gpu-a", "per_minute", "0.07")));
		contractBook(tenant.id(), "2151-05-20T12:00:00.000001Z", "0",
				List.of(price("*", "session_seconds", null, "per_minute", "0.011")));
		List<UsageEvent> events = new ArrayList<>();
		for (int i = 0; i < 3000; i++) {
			String session = (random.nextInt(8) == 0) ? null : "sess_" + random.nextInt(40);
			String agent = (random.nextInt(6) == 0) ? null : "agt_" + random.nextInt(4);
			if (random.nextInt(20) == 0) {
				// text a spreadsheet would take for a formula, and bytes COPY escapes
				agent = FORMULAS.get(random.nextInt(FORMULAS.size()));
			}
			Instant at = Instant.parse("2151-05-01T00:00:00Z")
				.plusSeconds(random.nextInt(31 * 24 * 3600))
				.plusNanos(random.nextInt(1000) * 1000L);
			events.add(new UsageEvent(random.nextBoolean() ? tenant.id() : other.id(), "k" + i, agent, 1, session, 1,
					MODELS.get(random.nextInt(MODELS.size())), (random.nextInt(3) == 0) ? null : "eu-west",
					Arrays.asList("gpu-a", "cpu-b", null).get(random.nextInt(3)),
					METRICS.get(random.nextInt(METRICS.size())),
					new BigDecimal(random.nextInt(5_000_000) + 1).movePointLeft(random.nextInt(7)), at,
					TAGS.get(random.nextInt(TAGS.size())),
					random.nextBoolean() ? UsageSource.PLATFORM : UsageSource.TENANT, random.nextInt(5) == 0));
		}
		// the same keys at the same instant, so lines sum several events
		events.add(withKey(events.get(0), "again-0"));
		events.add(withKey(events.get(1), "again-1"));
		Collections.shuffle(events, random);
		for (int i = 0; i < events.size(); i += 500) {
			this.sink.record(events.subList(i, Math.min(events.size(), i + 500))).block();
		}

		List<UsageQuery> queries = List.of(query(tenant.id(), null, null), query(other.id(), null, null),
				query(tenant.id(), "agt_1", null), query(tenant.id(), null, "sandbox"),
				query(tenant.id(), "agt_2", MODELS.get(3)), query(null, null, null), query(null, null, MODELS.get(3)));
		for (UsageQuery query : queries) {
			for (UsageReportService.ExportFormat format : List.of(UsageReportService.ExportFormat.CSV,
					UsageReportService.ExportFormat.FOCUS)) {
				String expected = rowByRow(query, format == UsageReportService.ExportFormat.FOCUS);
				assertThat(text(this.reports.export(query, format).flatMapMany((spool) -> spool.read(BUFFERS)))).as(format + " of " + query).isEqualTo(expected);
			}
		}
		assertThat(rowByRow(query(tenant.id(), null, null), true).lines().count()).isGreaterThan(1000);
		assertThat(rowByRow(query(tenant.id(), "agt_2", MODELS.get(3)), false).lines().count()).isGreaterThan(5);
		// over HTTP, a finance key of the tenant gets the same bytes
		String finance = newKey(tenant.id(), "finance");
		String csv = getText(finance, "/v1/usage/export?format=csv&" + MAY);
		assertThat(csv).isEqualTo(rowByRow(query(tenant.id(), null, null), false));
	}

	@Test
	void exportWhenFilterValuesLookLikeSqlThenTheyAreOnlyValues() {
		TestTenant tenant = newTenant();
		String model = "sandbox'; DROP TABLE billing.usage_event; --";
		String agent = "agt_x' OR '1'='1";
		Instant at = Instant.parse("2151-06-02T10:00:00Z");
		this.sink.record(List.of(event(tenant.id(), "1", agent, model, at), event(tenant.id(), "2", "agt_y", "sandbox",
				at), event(tenant.id(), "3", "agt_x", "sandbox", at))).block();
		String finance = newKey(tenant.id(), "finance");

		// a value with quotes matches exactly itself, and nothing else
		assertThat(csvRows(finance, "agent={agent}", agent)).extracting((row) -> row.get(2)).containsExactly(agent);
		assertThat(csvRows(finance, "model={model}", model)).extracting((row) -> row.get(3)).containsExactly(model);
		for (String hostile : List.of("x' OR '1'='1", "') TO STDOUT; COPY (SELECT 1", "sandbox\\'; SELECT 1; --",
				"$$; DROP TABLE billing.usage_event; $$")) {
			assertThat(csvRows(finance, "model={model}", hostile)).isEmpty();
			assertThat(csvRows(finance, "agent={agent}", hostile)).isEmpty();
			assertThat(csvRows(TestKeys.PLATFORM_ADMIN, "tenant={tenant}", hostile)).isEmpty();
		}
		// another tenant's id, or anything else, is still 404 for a tenant's key
		for (String tenantParameter : List.of(newTenant().id(), tenant.id() + "' OR '1'='1")) {
			as(finance).get()
				.uri("/v1/usage/export?format=csv&" + JUNE + "&tenant={tenant}", tenantParameter)
				.exchange()
				.expectStatus()
				.isNotFound();
		}
		assertThat(csvRows(finance, "model={model}", "sandbox")).hasSize(2);
		assertThat(this.db.sql("SELECT count(*) FROM billing.usage_event WHERE tenant_id = :tenant")
			.bind("tenant", tenant.id())
			.map((row) -> row.get(0, Long.class))
			.one()
			.block()).isEqualTo(3);
	}

	@Test
	void exportWhenTheClientReadsSlowlyThenTheConnectionIsBackBeforeTheFirstByteAndCancellingDeletesTheSpool()
			throws IOException {
		TestTenant tenant = newTenant();
		record(tenant.id(), 5_000, Instant.parse("2151-07-01T00:00:00Z"));
		UsageQuery query = new UsageQuery(Instant.parse("2151-07-01T00:00:00Z"), Instant.parse("2151-08-01T00:00:00Z"),
				tenant.id(), null, null, List.of());
		AtomicInteger received = new AtomicInteger();
		BaseSubscriber<DataBuffer> slow = new BaseSubscriber<>() {

			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				request(1);
			}

			@Override
			protected void hookOnNext(DataBuffer buffer) {
				received.incrementAndGet();
			}

		};
		this.reports.export(query, UsageReportService.ExportFormat.CSV)
			.flatMapMany((spool) -> spool.read(BUFFERS))
			.subscribe(slow);

		await().atMost(Duration.ofSeconds(10)).until(() -> received.get() == 1);
		// the whole file was written before its first byte left: the reader holds a file, not a connection
		assertThat(this.copies.inUse()).isZero();
		assertThat(activeCopies()).isZero();
		// (files of downloads that ended go a moment after them)
		await().atMost(Duration.ofSeconds(10)).until(() -> spoolFiles().size() == 1);
		assertThat(this.limits.running(tenant.id())).isOne();

		slow.cancel();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> spoolFiles().isEmpty() && this.limits.running(tenant.id()) == 0);
	}

	@Test
	void exportWhenTwentyClientsGoAwayMidStreamThenEveryCopyStopsAndConnectionsComeBack() throws Exception {
		TestTenant tenant = newTenant();
		// 60,000 FOCUS rows are about 42 MB: far more than the server (128 chunks, 16 MB) and the
		// sockets hold in flight
		record(tenant.id(), 60_000, Instant.parse("2151-08-01T00:00:00Z"));
		WebClient client = TestHttp.webClient(this.port)
			.defaultHeader("Authorization", "Bearer " + TestKeys.PLATFORM_ADMIN)
			.build();
		String uri = "/v1/usage/export?format=focus&from=2151-08-01&to=2151-09-01&tenant=" + tenant.id();

		// chunks are the server's pooled memory: those made for clients that left must be released too
		NettyLeaks leaks = new NettyLeaks();
		// beyond the tenant's limit, an export is refused at once (-1 here) rather than queued
		List<Long> bytes = Flux.range(0, 20)
			.flatMap((i) -> client.get()
				.uri(uri)
				.retrieve()
				.bodyToFlux(DataBuffer.class)
				.take(3)
				.map((buffer) -> {
					long count = buffer.readableByteCount();
					DataBufferUtils.release(buffer);
					return count;
				})
				.reduce(0L, Long::sum)
				.onErrorResume(WebClientResponseException.TooManyRequests.class, (ex) -> {
					assertThat(ex.getHeaders().getFirst("Retry-After")).isNotBlank();
					return Mono.just(-1L);
				}), 20)
			.collectList()
			.block(Duration.ofMinutes(2));

		assertThat(bytes).hasSize(20).allSatisfy((count) -> assertThat(count).isNotZero());
		assertThat(bytes).filteredOn((count) -> count > 0).isNotEmpty();
		assertThat(bytes).filteredOn((count) -> count < 0).isNotEmpty();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(this.copies.inUse()).isZero();
			assertThat(activeCopies()).isZero();
			assertThat(exportConnections()).isLessThanOrEqualTo(this.properties.maxConcurrent());
			assertThat(spoolFiles()).isEmpty();
			assertThat(this.limits.running(tenant.id())).isZero();
		});
		try (leaks) {
			assertThat(leaks.reported()).isEmpty();
		}
		assertThat(this.copies.connections()).isLessThanOrEqualTo(this.properties.maxConcurrent());
		// and the pool still serves a whole export
		long rows = client.get()
			.uri(uri)
			.retrieve()
			.bodyToFlux(DataBuffer.class)
			.map((buffer) -> {
				long count = 0;
				byte[] read = new byte[buffer.readableByteCount()];
				buffer.read(read);
				for (byte b : read) {
					count += (b == '\n') ? 1 : 0;
				}
				DataBufferUtils.release(buffer);
				return count;
			})
			.reduce(0L, Long::sum)
			.block(Duration.ofMinutes(1));
		assertThat(rows).isEqualTo(60_001);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.copies.inUse() == 0);
	}

	/** The export as the R2DBC reader and {@link ExportLines} make it, formatted the same way. */
	private String rowByRow(UsageQuery query, boolean focus) {
		PriceBooks books = this.books.inForce().block();
		List<ExportLine> lines = this.reports.lines(new Rater(books), query, focus).collectList().block();
		ExportBuffer out = new ExportBuffer();
		out.text(focus ? FocusFormat.HEADER : CsvFormat.HEADER);
		FocusFormat focusFormat = new FocusFormat(new TenantNames(this.tenants));
		for (ExportLine line : lines) {
			if (focus) {
				focusFormat.write(line, out);
			}
			else {
				CsvFormat.write(line, out);
			}
		}
		out.flush();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		for (DataBuffer chunk = out.poll(BUFFERS); chunk != null; chunk = out.poll(BUFFERS)) {
			byte[] read = new byte[chunk.readableByteCount()];
			chunk.read(read);
			bytes.writeBytes(read);
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

	private static String text(Flux<DataBuffer> export) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		export.doOnNext((buffer) -> {
			byte[] read = new byte[buffer.readableByteCount()];
			buffer.read(read);
			bytes.writeBytes(read);
		}).blockLast(Duration.ofMinutes(1));
		return bytes.toString(StandardCharsets.UTF_8);
	}

	private List<List<String>> csvRows(String key, String filter, String value) {
		String csv = getText(key, "/v1/usage/export?format=csv&" + JUNE + "&" + filter, value);
		List<List<String>> rows = Csv.parse(csv);
		return rows.subList(1, rows.size());
	}

	/** The spool files of this node's exports now. */
	private List<Path> spoolFiles() throws IOException {
		try (Stream<Path> files = Files.list(this.copies.spoolDirectory())) {
			return files.filter((file) -> file.getFileName().toString().startsWith("usage-export-")).toList();
		}
	}

	/** Export connections running a statement now. */
	private long activeCopies() {
		return this.db.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND state = 'active'")
			.bind("name", CopyExports.APPLICATION_NAME)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block();
	}

	/** Export connections open, in use or not. */
	private long exportConnections() {
		return this.db.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
			.bind("name", CopyExports.APPLICATION_NAME)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block();
	}

	/** {@code count} events of one session's tokens, a second apart from {@code start}. */
	private void record(String tenantId, int count, Instant start) {
		Flux.range(0, (count + 999) / 1000).concatMap((batch) -> {
			List<UsageEvent> events = new ArrayList<>();
			for (int i = batch * 1000; i < Math.min(count, (batch + 1) * 1000); i++) {
				events.add(new UsageEvent(tenantId, "k" + i, "agt_bulk", 1, "sess_" + (i / 5), 1, "gpt-realtime",
						"us-east", null, METRICS.get(i % 5), BigDecimal.valueOf(1 + i % 5000), start.plusSeconds(i),
						Map.of("team", "sales")));
			}
			return this.sink.record(events);
		}).blockLast();
	}

	private static UsageQuery query(@Nullable String tenantId, @Nullable String agentId, @Nullable String model) {
		return new UsageQuery(Instant.parse("2151-05-01T00:00:00Z"), Instant.parse("2151-06-01T00:00:00Z"), tenantId,
				agentId, model, List.of());
	}

	private static UsageEvent event(String tenantId, String key, String agent, String model, Instant at) {
		return new UsageEvent(tenantId, key, agent, 1, "sess_" + key, 1, model, "us-east", null, "input_text_tokens",
				new BigDecimal("1000"), at, Map.of());
	}

	private static UsageEvent withKey(UsageEvent event, String key) {
		return new UsageEvent(event.tenantId(), key, event.agentId(), event.agentVersion(), event.sessionId(),
				event.segment(), event.model(), event.region(), event.compute(), event.metric(), event.quantity(),
				event.occurredAt(), event.tags(), event.source(), event.estimated());
	}

}

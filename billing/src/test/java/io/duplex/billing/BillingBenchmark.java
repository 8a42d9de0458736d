package io.duplex.billing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.function.client.WebClient;

import io.duplex.billing.report.UsageReader;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSink;
import io.duplex.test.TestDatabase;
import io.duplex.test.TestKeys;
import reactor.core.publisher.Flux;

/**
 * The billing benchmark: records 1,000,000 usage events through the {@link UsageSink} port (what
 * sessions and {@code POST /v1/usage/events} use), then exports them over HTTP as CSV and FOCUS
 * (1,000,000 rated rows each: every event is its own line), counting rows as they stream in.
 * Reports events/s, rows/s and the peak heap of each phase; a "read sorted" phase runs the
 * export's query alone (rows counted, nothing rated or written) to show where the time goes. Run
 * it with a 256 MB heap (see docs/benchmarks.md): an export that held the period in memory would
 * fail.
 * <p>
 * Arguments: {@code [events] [concurrent batches]}, 1000000 and 4 by default.
 */
public final class BillingBenchmark {

	private static final int BATCH = 1000;

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	private static final List<String> METRICS = List.of("input_audio_tokens", "output_audio_tokens",
			"input_text_tokens", "output_text_tokens", "cached_input_audio_tokens");

	private BillingBenchmark() {
	}

	public static void main(String[] args) {
		int events = (args.length > 0) ? Integer.parseInt(args[0]) : 1_000_000;
		int concurrency = (args.length > 1) ? Integer.parseInt(args[1]) : 4;
		SpringApplication application = new SpringApplication(BillingTestApplication.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.addInitializers(new TestDatabase.Initializer());
		application.setDefaultProperties(Map.of("duplex.bootstrap.admin-key", TestKeys.PLATFORM_ADMIN,
				"server.port", "0", "logging.level.root", "warn"));
		try (ConfigurableApplicationContext context = application.run()) {
			run(context, events, concurrency);
		}
	}

	private static void run(ConfigurableApplicationContext context, int events, int concurrency) {
		UsageSink sink = context.getBean(UsageSink.class);
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		WebClient client = WebClient.builder()
			.baseUrl("http://localhost:" + port)
			.defaultHeader("Authorization", "Bearer " + TestKeys.PLATFORM_ADMIN)
			.build();
		// a tenant of its own (FOCUS rows carry its name) and a month of its own (a future one no
		// test uses), so runs never mix
		String tenant = String.valueOf(client.post()
			.uri("/v1/tenants")
			.bodyValue(Map.of("name", "Benchmark tenant " + Instant.now()))
			.retrieve()
			.bodyToMono(Map.class)
			.block(Duration.ofSeconds(30))
			.get("id"));
		Instant start = Instant.parse("2199-01-01T00:00:00Z");
		long seconds = Duration.ofDays(28).toSeconds();
		System.out.printf("Billing benchmark: %,d events, batches of %,d, %d at a time, max heap %d MB%n", events,
				BATCH, concurrency, Runtime.getRuntime().maxMemory() >> 20);

		resetPeaks();
		long began = System.nanoTime();
		long recorded = Flux.range(0, (events + BATCH - 1) / BATCH).flatMap((batch) -> {
			List<UsageEvent> list = new ArrayList<>(BATCH);
			for (int i = batch * BATCH; i < Math.min(events, (batch + 1) * BATCH); i++) {
				String session = "sess_bench" + (i / METRICS.size());
				list.add(new UsageEvent(tenant, session + ":resp_1:" + i, "agt_bench" + (i % 7), 1, session, 1,
						(i % 3 == 0) ? "gpt-realtime" : "sandbox", "us-east", "cpu-standard",
						METRICS.get(i % METRICS.size()), BigDecimal.valueOf(1 + (i * 7919L) % 5000),
						start.plusSeconds((i * 2654435761L) % seconds).plusNanos((i % 1000) * 1000L),
						Map.of("team", (i % 2 == 0) ? "sales" : "support")));
			}
			return sink.record(list);
		}, concurrency).reduce(0L, (sum, n) -> sum + n).block();
		report("ingestion", recorded, "events", began);

		// where an export's time goes: the same sorted query, rows only counted (no rating, no file)
		DatabaseClient db = context.getBean(DatabaseClient.class);
		TransactionalOperator tx = context.getBean(TransactionalOperator.class);
		for (int round = 0; round < 2; round++) {
			System.gc();
			resetPeaks();
			long readBegan = System.nanoTime();
			long rows = db.sql("SET LOCAL work_mem = '256MB'")
				.then()
				.thenMany(db.sql("""
						SELECT tenant_id, agent_id, session_id, model, region, compute, metric, quantity, occurred_at,
						    tags::text AS tags
						FROM billing.usage_event
						WHERE occurred_at >= :from AND occurred_at < :to AND tenant_id = :tenant
						ORDER BY\s""" + UsageReader.LINE_ORDER)
					.bind("from", start)
					.bind("to", start.plus(Duration.ofDays(31)))
					.bind("tenant", tenant)
					.map((row) -> row.get(7, BigDecimal.class))
					.all())
				.as(tx::transactional)
				.count()
				.block();
			report("read sorted", rows, "rows", readBegan);
		}

		copySorted(context, tenant, start);

		for (String format : List.of("csv", "focus", "csv", "focus")) {
			System.gc();
			resetPeaks();
			long exportBegan = System.nanoTime();
			AtomicLong lines = new AtomicLong();
			AtomicLong bytes = new AtomicLong();
			byte[] scratch = new byte[64 * 1024];
			client.get()
				.uri("/v1/usage/export?format={format}&from=2199-01-01&to=2199-02-01&tenant={tenant}", format, tenant)
				.retrieve()
				.bodyToFlux(DataBuffer.class)
				.doOnNext((buffer) -> {
					bytes.addAndGet(buffer.readableByteCount());
					lines.addAndGet(newlines(buffer, scratch));
					DataBufferUtils.release(buffer);
				})
				.blockLast(Duration.ofMinutes(30));
			report("export " + format, lines.get() - 1, "rows", exportBegan);
			System.out.printf("  %,d MB streamed%n", bytes.get() >> 20);
		}
	}

	/** The same sorted rows through PostgreSQL's COPY protocol and the JDBC driver, counted. */
	private static void copySorted(ConfigurableApplicationContext context, String tenant, Instant start) {
		String url = "jdbc:" + context.getEnvironment().getRequiredProperty("spring.r2dbc.url")
			.replaceFirst("^r2dbc:(pool:)?", "");
		try (Connection connection = DriverManager.getConnection(url,
				context.getEnvironment().getProperty("spring.r2dbc.username"),
				context.getEnvironment().getProperty("spring.r2dbc.password"))) {
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET work_mem = '256MB'");
			}
			for (String order : List.of(UsageReader.LINE_ORDER, UsageReader.LINE_ORDER, UsageReader.REGIONAL_LINE_ORDER,
					UsageReader.REGIONAL_LINE_ORDER)) {
				long began = System.nanoTime();
				CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut("""
						COPY (SELECT tenant_id, agent_id, session_id, model COLLATE "C", region COLLATE "C",
						    compute COLLATE "C", metric COLLATE "C", quantity, occurred_at, tags::text COLLATE "C"
						FROM billing.usage_event WHERE tenant_id = '%s' AND occurred_at >= '%s' AND occurred_at < '%s'
						ORDER BY %s) TO STDOUT"""
					.formatted(tenant, start, start.plus(Duration.ofDays(31)), order));
				long rows = 0;
				while (copy.readFromCopy() != null) {
					rows++;
				}
				report((order == UsageReader.LINE_ORDER) ? "copy sorted" : "copy focus", rows, "rows", began);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Counts line ends, reading the buffer into {@code scratch} in bulk (byte-by-byte reads of a
	 * direct buffer are slow), as a client writing the export to a file would copy it once, and
	 * eight bytes at a time: the client shares the machine with the server it measures.
	 */
	private static long newlines(DataBuffer buffer, byte[] scratch) {
		long count = 0;
		while (buffer.readableByteCount() > 0) {
			int n = Math.min(scratch.length, buffer.readableByteCount());
			buffer.read(scratch, 0, n);
			int i = 0;
			for (; i + Long.BYTES <= n; i += Long.BYTES) {
				// exactly the bytes equal to '\n' get their high bit set (no carries between bytes)
				long x = (long) LONGS.get(scratch, i) ^ 0x0A0A0A0A0A0A0A0AL;
				long y = (x & 0x7F7F7F7F7F7F7F7FL) + 0x7F7F7F7F7F7F7F7FL;
				count += Long.bitCount(~(y | x | 0x7F7F7F7F7F7F7F7FL));
			}
			for (; i < n; i++) {
				count += (scratch[i] == '\n') ? 1 : 0;
			}
		}
		return count;
	}

	private static void report(String phase, long count, String what, long beganNanos) {
		double seconds = (System.nanoTime() - beganNanos) / 1e9;
		System.out.printf("%-13s %,d %s in %.1f s: %,.0f %s/s, peak heap %d MB%n", phase, count, what, seconds,
				count / seconds, what, peakHeapMegabytes());
	}

	private static void resetPeaks() {
		ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
	}

	/** The sum of the heap pools' peaks since the last reset: an upper bound of the heap in use. */
	private static long peakHeapMegabytes() {
		return ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.HEAP)
			.mapToLong((pool) -> pool.getPeakUsage().getUsed())
			.sum() >> 20;
	}

}

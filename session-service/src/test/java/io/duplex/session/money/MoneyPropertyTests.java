package io.duplex.session.money;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.sun.management.OperatingSystemMXBean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import io.duplex.session.SessionTestSupport;
import io.duplex.session.gateway.RealtimeTestClient;
import io.duplex.session.provider.TokenUsage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property test of money. Each history is a fresh tenant with a random life in the current
 * month: a contract whose prices change in the middle of the month (sometimes while its sessions
 * run), usage its own components report through {@code POST /v1/usage/events} spread over the
 * month (in overlapping batches, exact duplicates, replays under the same {@code Idempotency-Key}
 * and refused conflicting batches), and a few real realtime sessions against the sandbox model
 * over the socket (responses completed, cancelled with {@code response.cancel}, and abandoned by
 * closing or dropping the socket mid-response). Then, for every month it has usage in:
 * <ul>
 * <li>every token the sandbox reported ({@link UpstreamReports}, the upstream's own record) is in
 * the ledger exactly once, under its response; every session's time exactly once, equal to its
 * duration; every distinct reported event exactly once; nothing else;</li>
 * <li>an abandoned response (output sent, socket closed before its end) is in the ledger;</li>
 * <li>the usage report, the CSV, FOCUS and XLSX exports, the invoice (JSON, its lines and its CSV)
 * all give the same total, equal to the cent to Σ quantity × price in force computed here,
 * rounded once; quantities per metric equal the sum of the distinct events in every view; the
 * report's lines by model and metric equal the invoice's, cent for cent.</li>
 * </ul>
 * Deterministic in what it does: every history follows from its seed ({@code duplex.money.seed},
 * default fixed, gives the histories' seeds; {@code duplex.money.histories} how many;
 * {@code duplex.money.replay=<seed>} runs that one history alone). What the clock decides (how
 * many tokens a cancel leaves) varies from run to run; the properties hold whatever it decides.
 */
@TestPropertySource(properties = {
		// the sandbox answers at once: histories spend their time on money, not on "thinking"
		"duplex.sessions.sandbox-delay=5ms",
		// a dropped socket ends its session at once, so an abandoned response's session is metered now
		"duplex.sessions.resume-grace=0s",
		// invoices of the current month stay drafts: the job must not finalize anything under the test
		"duplex.billing.invoices.check-every=24h",
		// stored idempotent answers are sealed with the secrets key ring: a test key
		"duplex.secrets.keys.money=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" })
@Import(MoneyPropertyTests.Upstream.class)
class MoneyPropertyTests extends SessionTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final long DEFAULT_SEED = 20261207L;

	/** Metrics a tenant's own components report: none of them is metered by the platform. */
	private static final List<String> TENANT_METRICS = List.of("stt_seconds", "tts_characters", "vision_tokens",
			"ocr_characters");

	private static final List<String> TENANT_MODELS = List.of("whisper-local", "piper-tts", "vision-7b", "ocr-v2");

	/** What the platform meters for a session: the sandbox's tokens and the session's time. */
	private static final List<String> PLATFORM_METRICS = List.of("input_text_tokens", "input_audio_tokens",
			"cached_input_text_tokens", "cached_input_audio_tokens", "output_text_tokens", "output_audio_tokens",
			"session_seconds", "compute_seconds");

	private static final List<String> WORDS = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
			"hotel", "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa");

	private static final Duration WAIT = Duration.ofSeconds(30);

	/**
	 * The sandbox wrapped so that its reports are recorded. Imported, not annotated: the session
	 * module's component scan covers the test packages, and this must not reach other tests' applications.
	 */
	static class Upstream {

		@Bean
		static UpstreamReports upstreamReports() {
			return new UpstreamReports();
		}

	}

	@Autowired
	private UpstreamReports upstream;

	@Autowired
	private DatabaseClient db;

	private final Stats stats = new Stats();

	@Test
	void historiesWhenRandomThenEveryViewAgreesToTheCentAndEveryReportedTokenIsBilledOnce() throws Exception {
		long base = Long.getLong("duplex.money.seed", DEFAULT_SEED);
		int count = Integer.getInteger("duplex.money.histories", 200);
		int parallel = Integer.getInteger("duplex.money.parallel", 6);
		String replay = System.getProperty("duplex.money.replay");
		List<Long> seeds = new ArrayList<>();
		if (replay != null && !replay.isBlank()) {
			seeds.add(Long.parseLong(replay.strip()));
		}
		else {
			SplittableRandom seeder = new SplittableRandom(base);
			for (int i = 0; i < count; i++) {
				seeds.add(seeder.nextLong());
			}
		}
		TestPlacement placement = newPlacement(64);
		YearMonth month = YearMonth.now(ZoneOffset.UTC);
		long started = System.nanoTime();
		long cpuBefore = processCpuNanos();
		ExecutorService workers = Executors.newFixedThreadPool(parallel);
		List<String> failures = new ArrayList<>();
		try {
			List<Future<List<String>>> results = new ArrayList<>();
			for (long seed : seeds) {
				results.add(workers.submit(() -> new History(seed, placement, month).run()));
			}
			for (int i = 0; i < results.size(); i++) {
				List<String> found = results.get(i).get(10, TimeUnit.MINUTES);
				for (String failure : found) {
					failures.add("history " + i + " (seed " + seeds.get(i) + "): " + failure);
				}
			}
		}
		finally {
			workers.shutdownNow();
		}
		long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
		System.out.println("Money property: " + seeds.size() + " histories (base seed " + base + ") in " + seconds
				+ " s (this JVM's CPU: " + TimeUnit.NANOSECONDS.toSeconds(processCpuNanos() - cpuBefore) + " s): "
				+ this.stats);
		assertThat(failures).as("""
				failed histories; replay one with -Dduplex.money.replay=<seed> \
				(the histories come from -Dduplex.money.seed=%d)""".formatted(base)).isEmpty();
		assertThat(seeds.size()).isEqualTo((replay != null && !replay.isBlank()) ? 1 : count);
	}

	/** Counts of what the histories did, for the log. */
	static final class Stats {

		final AtomicLong sessions = new AtomicLong();

		final AtomicLong completed = new AtomicLong();

		final AtomicLong cancelled = new AtomicLong();

		final AtomicLong abandoned = new AtomicLong();

		final AtomicLong events = new AtomicLong();

		final AtomicLong posts = new AtomicLong();

		final AtomicLong duplicatePosts = new AtomicLong();

		final AtomicLong replays = new AtomicLong();

		final AtomicLong conflicts = new AtomicLong();

		final AtomicLong ledgerRows = new AtomicLong();

		final AtomicLong priceChangesDuringSessions = new AtomicLong();

		/** How long each history took, in the order they finished. */
		final Queue<Long> millis = new ConcurrentLinkedQueue<>();

		final AtomicReference<String> slowest = new AtomicReference<>("0 ms");

		@Override
		public String toString() {
			return "%d sessions (%d responses completed, %d cancelled, %d abandoned), %d reported events in %d posts "
				.formatted(this.sessions.get(), this.completed.get(), this.cancelled.get(), this.abandoned.get(),
						this.events.get(), this.posts.get())
					+ "(%d duplicate posts, %d replays, %d refused conflicts), %d ledger rows, %d price changes during a session"
						.formatted(this.duplicatePosts.get(), this.replays.get(), this.conflicts.get(),
								this.ledgerRows.get(), this.priceChangesDuringSessions.get())
					+ "; a history took %s ms (median), %s ms (longest)".formatted(
							this.millis.stream().sorted().skip(this.millis.size() / 2).findFirst().orElse(0L),
							this.millis.stream().max(Long::compare).orElse(0L))
					+ " (" + this.slowest.get() + ")";
		}

	}

	/** An event the tenant reports; {@code key} is its idempotency key. */
	record TenantEvent(String key, String metric, String model, BigDecimal quantity, Instant occurredAt,
			@Nullable String session, @Nullable String compute, @Nullable String region, Map<String, String> tags) {

		Map<String, Object> wire() {
			Map<String, Object> event = new LinkedHashMap<>();
			event.put("idempotency_key", this.key);
			event.put("metric", this.metric);
			event.put("quantity", this.quantity.toPlainString());
			event.put("occurred_at", this.occurredAt.toString());
			event.put("model", this.model);
			if (this.session != null) {
				event.put("session", this.session);
			}
			if (this.compute != null) {
				event.put("compute", this.compute);
			}
			if (this.region != null) {
				event.put("region", this.region);
			}
			if (!this.tags.isEmpty()) {
				event.put("tags", this.tags);
			}
			return event;
		}

		TenantEvent withQuantity(BigDecimal quantity) {
			return new TenantEvent(this.key, this.metric, this.model, quantity, this.occurredAt, this.session,
					this.compute, this.region, this.tags);
		}

	}

	/** A row of the ledger, read from its table. */
	record LedgerRow(String key, String metric, BigDecimal quantity, Instant occurredAt, @Nullable String session,
			String model, @Nullable String compute) {
	}

	/** An event as the test expects the views to count it (quantity from the test's own records). */
	record Expected(String model, String metric, @Nullable String compute, BigDecimal quantity, Instant occurredAt) {
	}

	/** What a session did, as the client saw it. */
	record SessionRun(String id, List<String> responses, List<String> abandoned, BigDecimal durationSeconds) {
	}

	/** How a history's session ends. */
	enum Ending {

		CLOSE, CLOSE_MID_RESPONSE, DROP_MID_RESPONSE

	}

	/** One random history: a tenant, its contract, its reported usage, its sessions, then the checks. */
	final class History {

		private final long seed;

		private final SplittableRandom random;

		private final TestPlacement placement;

		private final YearMonth month;

		private final Instant monthStart;

		private final Instant monthEnd;

		private final List<String> failures = new ArrayList<>();

		private final long started = System.nanoTime();

		/** When each phase ended, in ms from the start, for the log of the slowest history. */
		private final StringBuilder timeline = new StringBuilder();

		private TestTenant tenant;

		private String developer;

		private String finance;

		History(long seed, TestPlacement placement, YearMonth month) {
			this.seed = seed;
			this.random = new SplittableRandom(seed);
			this.placement = placement;
			this.month = month;
			this.monthStart = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
			this.monthEnd = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
		}

		List<String> run() {
			try {
				live();
				long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.started);
				MoneyPropertyTests.this.stats.millis.add(millis);
				MoneyPropertyTests.this.stats.slowest.accumulateAndGet(millis + " ms: " + this.timeline,
						(a, b) -> (Long.parseLong(a.split(" ")[0]) >= Long.parseLong(b.split(" ")[0])) ? a : b);
			}
			catch (Throwable ex) {
				this.failures.add("the history could not run: " + ex);
			}
			return this.failures;
		}

		private void live() {
			this.tenant = newTenant();
			this.developer = newKey(this.tenant.id(), "developer");
			this.finance = newKey(this.tenant.id(), "finance");
			int sessions = pick(new int[] { 65, 30, 5 });
			String agent = (sessions > 0) ? newAgent(this.tenant.adminKey(), this.placement.agentFields()) : null;
			Contract contract = contract(sessions > 0);
			for (Contract.Version version : contract.versions()) {
				post(asPlatformAdmin(), "/v1/admin/price-books",
						Map.of("name", "Contract", "currency", "USD", "effective_from", version.from().toString(),
								"tenant_id", this.tenant.id(), "prices",
								version.prices().stream().map(Contract.Price::wire).toList()));
			}
			mark("setup");
			Ingest ingest = new Ingest(tenantEvents());
			ingest.steps(this.random.nextInt(0, 6));
			mark("posts");
			List<SessionRun> runs = new ArrayList<>();
			for (int i = 0; i < sessions; i++) {
				runs.add(session(agent));
				mark("session");
			}
			ingest.steps(this.random.nextInt(0, 6));
			ingest.finish();
			MoneyPropertyTests.this.stats.events.addAndGet(ingest.recorded.size());
			mark("posts");
			check(contract, ingest.recorded, runs);
		}

		/**
		 * The contract: a first version in force before the month, a change in the middle of it
		 * (sometimes a moment from now, so that it falls inside the sessions about to run), and
		 * sometimes a second change. Every version prices every metric the history uses, some
		 * also per model and per pool.
		 */
		private Contract contract(boolean hasSessions) {
			List<Contract.Version> versions = new ArrayList<>();
			versions.add(version(this.monthStart.minus(this.random.nextInt(1, 40), ChronoUnit.DAYS)));
			Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
			Instant soon = now.plusMillis(this.random.nextInt(200, 1500));
			Instant change = (hasSessions && this.random.nextInt(3) == 0 && soon.isBefore(this.monthEnd)) ? soon
					: instantInMonth();
			if (change.equals(soon)) {
				MoneyPropertyTests.this.stats.priceChangesDuringSessions.incrementAndGet();
			}
			versions.add(version(change));
			if (this.random.nextInt(4) == 0) {
				Instant second = instantInMonth();
				if (!second.equals(change)) {
					versions.add(version(second));
				}
			}
			return new Contract(versions);
		}

		private Contract.Version version(Instant from) {
			List<Contract.Price> prices = new ArrayList<>();
			for (String metric : PLATFORM_METRICS) {
				prices.add(price("*", metric, null));
			}
			for (String metric : TENANT_METRICS) {
				prices.add(price("*", metric, null));
			}
			if (this.random.nextBoolean()) {
				prices.add(price("*", "compute_seconds", this.placement.compute()));
			}
			if (this.random.nextBoolean()) {
				prices.add(price(this.placement.model(), "output_text_tokens", null));
			}
			if (this.random.nextBoolean()) {
				prices.add(price("piper-tts", "tts_characters", null));
			}
			if (this.random.nextBoolean()) {
				prices.add(price("*", "stt_seconds", "gpu-own"));
			}
			if (this.random.nextBoolean()) {
				prices.add(price("vision-7b", "vision_tokens", "gpu-own"));
			}
			return new Contract.Version(from, prices);
		}

		/** A random price of a unit that measures {@code metric}, up to ten decimals. */
		private Contract.Price price(String model, String metric, @Nullable String compute) {
			if (metric.endsWith("_tokens")) {
				return new Contract.Price(model, metric, compute, "per_million_tokens",
						decimal(1, 80_000_000_000L, 9));
			}
			if (metric.endsWith("_characters")) {
				return new Contract.Price(model, metric, compute, "per_character", decimal(1, 500_000L, 10));
			}
			return this.random.nextBoolean()
					? new Contract.Price(model, metric, compute, "per_minute", decimal(1, 3_000_000_000L, 10))
					: new Contract.Price(model, metric, compute, "per_second", decimal(1, 50_000_000L, 10));
		}

		private BigDecimal decimal(long from, long to, int scale) {
			return BigDecimal.valueOf(this.random.nextLong(from, to), scale);
		}

		/** An instant of the month, to the microsecond (what the ledger keeps). */
		private Instant instantInMonth() {
			long micros = ChronoUnit.MICROS.between(this.monthStart, this.monthEnd);
			return this.monthStart.plus(this.random.nextLong(micros), ChronoUnit.MICROS);
		}

		/** The tenant's own usage: its components' metrics, some exactly at a month's edges. */
		private List<TenantEvent> tenantEvents() {
			int count = this.random.nextInt(3, 40);
			List<TenantEvent> events = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				int kind = this.random.nextInt(TENANT_METRICS.size());
				String metric = TENANT_METRICS.get(kind);
				BigDecimal quantity = switch (metric) {
					case "stt_seconds" -> BigDecimal.valueOf(this.random.nextLong(0, 7_200_000_000L), 6);
					case "vision_tokens" -> BigDecimal.valueOf(this.random.nextLong(0, 5_000_000L));
					default -> BigDecimal.valueOf(this.random.nextLong(0, 400_000L));
				};
				Instant at = switch (this.random.nextInt(12)) {
					case 0 -> this.monthStart;
					case 1 -> this.monthEnd.minus(1, ChronoUnit.MICROS);
					default -> instantInMonth();
				};
				Map<String, String> tags = switch (this.random.nextInt(3)) {
					case 0 -> Map.of();
					case 1 -> Map.of("team", "sales, \"east\"");
					default -> Map.of("team", "support", "env", "prod");
				};
				events.add(new TenantEvent("ev-" + Long.toHexString(this.random.nextLong()) + "-" + i, metric,
						(this.random.nextInt(5) == 0) ? TENANT_MODELS.get(this.random.nextInt(TENANT_MODELS.size()))
								: TENANT_MODELS.get(kind),
						quantity, at, (this.random.nextInt(3) == 0) ? "ext_" + this.random.nextInt(5) : null,
						this.random.nextBoolean() ? "gpu-own" : null, this.random.nextBoolean() ? "on-prem" : null,
						tags));
			}
			return events;
		}

		/** Posts the tenant's events with a developer key, as its components would, checking every answer. */
		final class Ingest {

			/** Recorded events by key: the ledger must hold each exactly once. */
			final Map<String, TenantEvent> recorded = new LinkedHashMap<>();

			private final List<TenantEvent> pending;

			/** Requests sent with an {@code Idempotency-Key}: key, body, status and answer. */
			private final List<Sent> sent = new ArrayList<>();

			record Sent(String key, String body, int status, JsonNode answer) {
			}

			Ingest(List<TenantEvent> events) {
				this.pending = new ArrayList<>(events);
			}

			void steps(int count) {
				for (int i = 0; i < count; i++) {
					switch (pick(new int[] { 40, 20, 20, 20 })) {
						case 0 -> postNew(this.pending.size());
						case 1 -> duplicates();
						case 2 -> replay();
						default -> conflict();
					}
				}
			}

			/** Everything not recorded yet, in overlapping batches. */
			void finish() {
				while (!this.pending.isEmpty()) {
					postNew(this.pending.size());
				}
			}

			/** New events, with a few recorded ones among them: recorded counts only the new. */
			private void postNew(int available) {
				if (available == 0) {
					return;
				}
				int fresh = History.this.random.nextInt(1, Math.min(12, available) + 1);
				List<TenantEvent> batch = new ArrayList<>(this.pending.subList(0, fresh));
				List<TenantEvent> old = some(new ArrayList<>(this.recorded.values()),
						History.this.random.nextInt(0, 4));
				batch.addAll(old);
				shuffle(batch);
				JsonNode answer = send(batch, History.this.random.nextBoolean(), 200);
				expectCounts(answer, fresh, old.size(), "a batch of new and recorded events");
				for (TenantEvent event : this.pending.subList(0, fresh)) {
					this.recorded.put(event.key(), event);
				}
				this.pending.subList(0, fresh).clear();
			}

			/** Exact repeats of recorded events, however late: nothing new. */
			private void duplicates() {
				List<TenantEvent> old = some(new ArrayList<>(this.recorded.values()),
						History.this.random.nextInt(1, 9));
				if (old.isEmpty()) {
					return;
				}
				MoneyPropertyTests.this.stats.duplicatePosts.incrementAndGet();
				expectCounts(send(old, History.this.random.nextBoolean(), 200), 0, old.size(), "a duplicate post");
			}

			/** The same request under the same key again: the first answer, replayed, and nothing done twice. */
			private void replay() {
				if (this.sent.isEmpty()) {
					return;
				}
				Sent first = this.sent.get(History.this.random.nextInt(this.sent.size()));
				MoneyPropertyTests.this.stats.replays.incrementAndGet();
				EntityExchangeResult<byte[]> result = as(History.this.developer).post()
					.uri("/v1/usage/events")
					.header("Idempotency-Key", first.key())
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(first.body())
					.exchange()
					.expectBody()
					.returnResult();
				int status = result.getStatus().value();
				JsonNode answer = json.readTree(result.getResponseBodyContent());
				if (status != first.status() || !answer.equals(first.answer())) {
					fail("a replay of " + first.key() + " answered " + status + " " + answer + ", the first answer was "
							+ first.status() + " " + first.answer());
				}
				if (!"true".equals(result.getResponseHeaders().getFirst("Idempotent-Replayed"))) {
					fail("a replay of " + first.key() + " was not marked Idempotent-Replayed");
				}
			}

			/**
			 * A recorded key with another quantity, among new events: 409 and nothing of the batch
			 * stored (the new events stay to be posted later).
			 */
			private void conflict() {
				List<TenantEvent> old = some(new ArrayList<>(this.recorded.values()), 1);
				if (old.isEmpty()) {
					return;
				}
				MoneyPropertyTests.this.stats.conflicts.incrementAndGet();
				List<TenantEvent> batch = new ArrayList<>(
						this.pending.subList(0, Math.min(this.pending.size(), History.this.random.nextInt(0, 4))));
				batch.add(old.get(0).withQuantity(old.get(0).quantity().add(BigDecimal.ONE)));
				shuffle(batch);
				send(batch, History.this.random.nextBoolean(), 409);
			}

			private JsonNode send(List<TenantEvent> batch, boolean withKey, int expectedStatus) {
				MoneyPropertyTests.this.stats.posts.incrementAndGet();
				String body = json
					.writeValueAsString(Map.of("data", batch.stream().map(TenantEvent::wire).toList()));
				String key = withKey ? "post-" + Long.toHexString(History.this.random.nextLong()) : null;
				EntityExchangeResult<byte[]> result = as(History.this.developer).post()
					.uri("/v1/usage/events")
					.headers((headers) -> {
						if (key != null) {
							headers.set("Idempotency-Key", key);
						}
					})
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(body)
					.exchange()
					.expectBody()
					.returnResult();
				int status = result.getStatus().value();
				JsonNode answer = json.readTree(result.getResponseBodyContent());
				if (status != expectedStatus) {
					throw new AssertionError("POST /v1/usage/events answered " + status + " " + answer + ", expected "
							+ expectedStatus + " for " + body);
				}
				if (key != null) {
					this.sent.add(new Sent(key, body, status, answer));
				}
				return answer;
			}

			private void expectCounts(JsonNode answer, int recorded, int duplicates, String what) {
				if (answer.path("recorded").asInt(-1) != recorded || answer.path("duplicates").asInt(-1) != duplicates) {
					throw new AssertionError(what + " answered " + answer + ", expected recorded " + recorded
							+ " and duplicates " + duplicates);
				}
			}

		}

		/**
		 * A realtime session over the socket: text or audio answers, some completed, some
		 * cancelled; it ends by closing the socket, or by closing or dropping it while a response
		 * is still being produced.
		 */
		private SessionRun session(String agent) {
			MoneyPropertyTests.this.stats.sessions.incrementAndGet();
			boolean audio = this.random.nextInt(10) < 3;
			int responses = this.random.nextInt(1, 4);
			Ending ending = switch (pick(new int[] { 70, 15, 15 })) {
				case 0 -> Ending.CLOSE;
				case 1 -> Ending.CLOSE_MID_RESPONSE;
				default -> Ending.DROP_MID_RESPONSE;
			};
			List<String> ids = new ArrayList<>();
			List<String> abandoned = new ArrayList<>();
			String sessionId;
			boolean dropped = false;
			URI uri = URI.create("ws://127.0.0.1:" + MoneyPropertyTests.this.port + "/v1/realtime?agent=" + agent);
			RealtimeTestClient client = RealtimeTestClient.connect(uri, this.tenant.adminKey());
			try {
				sessionId = client.await("session.created").path("session").path("id").asString();
				if (!audio) {
					client.send("{\"type\":\"session.update\",\"session\":{\"type\":\"realtime\","
							+ "\"output_modalities\":[\"text\"]}}");
					client.await("session.updated");
				}
				for (int r = 0; r < responses; r++) {
					boolean cancel = this.random.nextInt(10) < 3;
					say(client, cancel ? longText(audio) : shortText());
					String id = nth(client, "response.created", r).path("response").path("id").asString();
					ids.add(id);
					if (cancel) {
						awaitDeltas(client, id, this.random.nextInt(1, 4));
						client.send("{\"type\":\"response.cancel\"}");
					}
					String status = await(client, (event) -> isDone(event, id)).path("response")
						.path("status")
						.asString();
					(("cancelled".equals(status)) ? MoneyPropertyTests.this.stats.cancelled
							: MoneyPropertyTests.this.stats.completed).incrementAndGet();
				}
				if (ending != Ending.CLOSE) {
					say(client, longText(audio));
					String id = nth(client, "response.created", responses).path("response").path("id").asString();
					ids.add(id);
					awaitDeltas(client, id, this.random.nextInt(1, 4));
					if (ending == Ending.DROP_MID_RESPONSE) {
						client.drop();
						dropped = true;
					}
					else {
						client.close();
					}
					if (client.received().stream().noneMatch((event) -> isDone(event, id))) {
						abandoned.add(id);
						MoneyPropertyTests.this.stats.abandoned.incrementAndGet();
					}
				}
			}
			finally {
				if (!dropped) {
					client.close();
				}
			}
			Map<String, Object> ended = awaitValue(() -> get(as(this.tenant.adminKey()), "/v1/sessions/" + sessionId),
					(session) -> "ended".equals(session.get("status")), "session " + sessionId + " to end",
					// a session's resource prices its usage: asked a few times a second, not a hundred
					100);
			return new SessionRun(sessionId, ids, abandoned, new BigDecimal(ended.get("duration_seconds").toString()));
		}

		private String shortText() {
			int words = this.random.nextInt(1, 4);
			List<String> chosen = new ArrayList<>();
			for (int i = 0; i < words; i++) {
				chosen.add(WORDS.get(this.random.nextInt(WORDS.size())));
			}
			return String.join(" ", chosen);
		}

		/** Long enough to be cut: about three seconds of text at a word every 20 ms, four of speech. */
		private String longText(boolean audio) {
			int words = audio ? 10 : 150;
			List<String> chosen = new ArrayList<>();
			for (int i = 0; i < words; i++) {
				chosen.add(WORDS.get(this.random.nextInt(WORDS.size())));
			}
			return String.join(" ", chosen);
		}

		/**
		 * Waits until the ledger holds what the sessions are known to have caused (every reported
		 * response with usage, each session's time), then checks every property.
		 */
		private void check(Contract contract, Map<String, TenantEvent> recorded, List<SessionRun> runs) {
			Map<String, List<UpstreamReports.Reported>> reports = new LinkedHashMap<>();
			for (SessionRun run : runs) {
				reports.put(run.id(), MoneyPropertyTests.this.upstream.of(run.id()));
			}
			// the sessions' usage is written behind them: wait (bounded) until it is there, then judge
			List<LedgerRow> rows = awaitOrLast(this::ledger, (ledger) -> complete(ledger, runs, reports, false), WAIT);
			if (runs.stream().anyMatch((run) -> !run.abandoned().isEmpty())) {
				// an abandoned response may be metered a moment after its session's time: a bounded wait
				rows = awaitOrLast(this::ledger, (ledger) -> complete(ledger, runs, reports, true),
						Duration.ofSeconds(3));
			}
			MoneyPropertyTests.this.stats.ledgerRows.addAndGet(rows.size());
			mark("ledger");
			List<Expected> expected = checkLedger(rows, recorded, runs, reports);
			checkViews(contract, expected);
			mark("views");
			checkAbandoned(rows, runs, reports);
		}

		/** Whether the ledger holds every row the sessions are known to cause (abandoned ones too, if asked). */
		private boolean complete(List<LedgerRow> rows, List<SessionRun> runs,
				Map<String, List<UpstreamReports.Reported>> reports, boolean abandoned) {
			for (SessionRun run : runs) {
				for (String metric : List.of("session_seconds", "compute_seconds")) {
					if (rows.stream().noneMatch((row) -> run.id().equals(row.session()) && row.metric().equals(metric))) {
						return false;
					}
				}
				for (UpstreamReports.Reported reported : reports.get(run.id())) {
					for (Map.Entry<String, BigDecimal> metric : ledgerMetrics(reported.usage()).entrySet()) {
						if (rows.stream().noneMatch((row) -> of(row, reported.responseId(), metric.getKey()))) {
							return false;
						}
					}
				}
				if (abandoned) {
					for (String id : run.abandoned()) {
						if (outputTokens(rows, id).signum() == 0) {
							return false;
						}
					}
				}
			}
			return true;
		}

		/**
		 * The ledger against what was reported: each distinct tenant event once, as posted; each
		 * token the sandbox reported once, under its response and metric; each session's time once,
		 * equal to its duration; no other row. Returns the events the views must count.
		 */
		private List<Expected> checkLedger(List<LedgerRow> rows, Map<String, TenantEvent> recorded,
				List<SessionRun> runs, Map<String, List<UpstreamReports.Reported>> reports) {
			List<Expected> expected = new ArrayList<>();
			Set<LedgerRow> explained = new HashSet<>();
			for (TenantEvent event : recorded.values()) {
				List<LedgerRow> matching = rows.stream().filter((row) -> row.key().endsWith(event.key())).toList();
				explained.addAll(matching);
				if (matching.size() != 1) {
					fail("the reported event " + event.key() + " is in the ledger " + matching.size() + " times");
					continue;
				}
				LedgerRow row = matching.get(0);
				if (!row.metric().equals(event.metric()) || row.quantity().compareTo(event.quantity()) != 0
						|| !row.occurredAt().equals(event.occurredAt()) || !row.model().equals(event.model())) {
					fail("the reported event " + event + " is in the ledger as " + row);
				}
				expected.add(new Expected(event.model(), event.metric(), event.compute(), event.quantity(),
						row.occurredAt()));
			}
			for (SessionRun run : runs) {
				for (String metric : List.of("session_seconds", "compute_seconds")) {
					List<LedgerRow> time = rows.stream()
						.filter((row) -> run.id().equals(row.session()) && row.metric().equals(metric))
						.toList();
					explained.addAll(time);
					if (time.size() != 1 || time.get(0).quantity().compareTo(run.durationSeconds()) != 0) {
						fail("session " + run.id() + " lasted " + run.durationSeconds() + " s; its " + metric
								+ " in the ledger: " + time);
					}
					else {
						expected.add(new Expected(time.get(0).model(), metric, time.get(0).compute(),
								run.durationSeconds(), time.get(0).occurredAt()));
					}
				}
				Set<String> reportedIds = new HashSet<>();
				for (UpstreamReports.Reported reported : reports.get(run.id())) {
					if (!reportedIds.add(reported.responseId())) {
						fail("the sandbox reported response " + reported.responseId() + " twice");
					}
					if (!run.responses().contains(reported.responseId())) {
						fail("the sandbox reported response " + reported.responseId() + " the client never saw");
					}
					Map<String, BigDecimal> metrics = ledgerMetrics(reported.usage());
					for (String metric : PLATFORM_METRICS) {
						if (metric.endsWith("_seconds")) {
							continue;
						}
						List<LedgerRow> tokens = rows.stream()
							.filter((row) -> of(row, reported.responseId(), metric))
							.toList();
						explained.addAll(tokens);
						BigDecimal want = metrics.get(metric);
						if (want == null ? !tokens.isEmpty()
								: tokens.size() != 1 || tokens.get(0).quantity().compareTo(want) != 0) {
							fail("the sandbox reported " + ((want != null) ? want : "no") + " " + metric
									+ " for response " + reported.responseId() + " (" + reported.status()
									+ "); the ledger holds " + tokens);
						}
						else if (want != null) {
							expected.add(new Expected(tokens.get(0).model(), metric, tokens.get(0).compute(), want,
									tokens.get(0).occurredAt()));
						}
					}
				}
				for (String id : run.abandoned()) {
					if (reportedIds.contains(id)) {
						continue;
					}
					// not reported by the sandbox: metered from what was produced (estimated), if at all
					List<LedgerRow> estimated = rows.stream()
						.filter((row) -> row.key().contains(":" + id + ":"))
						.toList();
					explained.addAll(estimated);
					for (LedgerRow row : estimated) {
						expected.add(new Expected(row.model(), row.metric(), row.compute(), row.quantity(),
								row.occurredAt()));
					}
				}
			}
			for (LedgerRow row : rows) {
				if (!explained.contains(row)) {
					fail("the ledger holds a row nobody reported: " + row);
				}
			}
			return expected;
		}

		/**
		 * Every view of every month with usage: report total = CSV = FOCUS = XLSX = invoice (total,
		 * its lines, its CSV) = the test's own total; quantities per metric equal in each; the
		 * report's lines by model and metric equal the invoice's and the test's, cent for cent.
		 */
		private void checkViews(Contract contract, List<Expected> expected) {
			Map<YearMonth, List<Expected>> byMonth = new TreeMap<>();
			for (Expected event : expected) {
				byMonth.computeIfAbsent(YearMonth.from(event.occurredAt().atZone(ZoneOffset.UTC)),
						(m) -> new ArrayList<>()).add(event);
			}
			Map<String, JsonNode> invoices = invoicesByPeriod();
			if (!invoices.keySet().equals(byMonth.keySet().stream()
				.map((m) -> m.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString())
				.collect(Collectors.toSet()))) {
				fail("invoices exist for " + invoices.keySet() + ", usage for " + byMonth.keySet());
			}
			for (Map.Entry<YearMonth, List<Expected>> month : byMonth.entrySet()) {
				checkMonth(contract, month.getKey(), month.getValue(), invoices);
			}
		}

		private void checkMonth(Contract contract, YearMonth month, List<Expected> events,
				Map<String, JsonNode> invoices) {
			Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
			Instant to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
			String period = "from=" + from + "&to=" + to;
			String label = month + ": ";
			// the test's own answer: each line by model and metric rounded as a running total
			BigDecimal exact = BigDecimal.ZERO;
			Map<String, BigDecimal> quantities = new TreeMap<>();
			Map<List<String>, BigDecimal> exactLines = new TreeMap<>(
					Comparator.<List<String>, String>comparing((key) -> key.get(0)).thenComparing((key) -> key.get(1)));
			Map<List<String>, BigDecimal> lineQuantities = new LinkedHashMap<>();
			for (Expected event : events) {
				BigDecimal cost = contract.exactCost(event.model(), event.metric(), event.compute(), event.quantity(),
						event.occurredAt());
				exact = exact.add(cost);
				quantities.merge(event.metric(), event.quantity(), BigDecimal::add);
				List<String> key = List.of(event.model(), event.metric());
				exactLines.merge(key, cost, BigDecimal::add);
				lineQuantities.merge(key, event.quantity(), BigDecimal::add);
			}
			BigDecimal total = exact.setScale(2, RoundingMode.HALF_EVEN);
			Map<List<String>, BigDecimal> lines = new LinkedHashMap<>();
			BigDecimal running = BigDecimal.ZERO;
			BigDecimal roundedBefore = BigDecimal.ZERO.setScale(2);
			for (Map.Entry<List<String>, BigDecimal> line : exactLines.entrySet()) {
				running = running.add(line.getValue());
				BigDecimal roundedNow = running.setScale(2, RoundingMode.HALF_EVEN);
				lines.put(line.getKey(), roundedNow.subtract(roundedBefore));
				roundedBefore = roundedNow;
			}

			Map<String, BigDecimal> totals = new LinkedHashMap<>();
			Map<String, Map<String, BigDecimal>> metricQuantities = new LinkedHashMap<>();

			JsonNode report = json.readTree(getText(this.finance, "/v1/usage?" + period));
			totals.put("report", sum(report.path("data"), "cost"));
			JsonNode byLine = json.readTree(getText(this.finance, "/v1/usage?group_by=model,metric&" + period));
			Map<List<String>, BigDecimal> reportLines = new LinkedHashMap<>();
			Map<List<String>, BigDecimal> reportLineQuantities = new LinkedHashMap<>();
			Map<String, BigDecimal> reportQuantities = new TreeMap<>();
			for (JsonNode line : byLine.path("data")) {
				reportLines.put(List.of(line.path("model").asString(), line.path("metric").asString()),
						new BigDecimal(line.path("cost").asString()));
				reportLineQuantities.put(List.of(line.path("model").asString(), line.path("metric").asString()),
						new BigDecimal(line.path("quantity").asString()));
				reportQuantities.merge(line.path("metric").asString(), new BigDecimal(line.path("quantity").asString()),
						BigDecimal::add);
			}
			totals.put("report by model and metric", reportLines.values().stream().reduce(zero(), BigDecimal::add));
			metricQuantities.put("report", reportQuantities);

			// one export after another: a tenant may run only so many at once
			List<Map<String, String>> csv = Tables.csv(new String(export("csv", period), StandardCharsets.UTF_8));
			totals.put("CSV", column(csv, "cost"));
			metricQuantities.put("CSV", quantities(csv, "metric", "quantity"));
			List<Map<String, String>> focus = Tables
				.csv(new String(export("focus", period), StandardCharsets.UTF_8));
			totals.put("FOCUS", column(focus, "BilledCost"));
			metricQuantities.put("FOCUS", quantities(focus, "x_Metric", "ConsumedQuantity"));
			List<Map<String, String>> xlsx = Tables.xlsx(export("xlsx", period));
			totals.put("XLSX", column(xlsx, "cost"));
			metricQuantities.put("XLSX", quantities(xlsx, "metric", "quantity"));

			JsonNode invoice = invoices.get(from.toString());
			if (invoice == null) {
				fail(label + "no invoice");
			}
			else {
				totals.put("invoice", new BigDecimal(invoice.path("total").asString()));
				totals.put("invoice lines", sum(invoice.path("lines"), "cost"));
				Map<List<String>, BigDecimal> invoiceLines = new LinkedHashMap<>();
				Map<List<String>, BigDecimal> invoiceLineQuantities = new LinkedHashMap<>();
				Map<String, BigDecimal> invoiceQuantities = new TreeMap<>();
				for (JsonNode line : invoice.path("lines")) {
					invoiceLines.put(List.of(line.path("model").asString(), line.path("metric").asString()),
							new BigDecimal(line.path("cost").asString()));
					invoiceLineQuantities.put(List.of(line.path("model").asString(), line.path("metric").asString()),
							new BigDecimal(line.path("quantity").asString()));
					invoiceQuantities.merge(line.path("metric").asString(),
							new BigDecimal(line.path("quantity").asString()), BigDecimal::add);
				}
				metricQuantities.put("invoice", invoiceQuantities);
				if (!sameAmounts(invoiceLines, lines) || !sameAmounts(reportLines, lines)) {
					fail(label + "lines by model and metric: expected " + lines + ", report " + reportLines
							+ ", invoice " + invoiceLines);
				}
				if (!sameAmounts(invoiceLineQuantities, lineQuantities)
						|| !sameAmounts(reportLineQuantities, lineQuantities)) {
					fail(label + "quantities by model and metric: expected " + lineQuantities + ", report "
							+ reportLineQuantities + ", invoice " + invoiceLineQuantities);
				}
				List<Map<String, String>> invoiceCsv = Tables
					.csv(getText(this.finance, "/v1/invoices/" + invoice.path("id").asString() + "?format=csv"));
				Map<String, String> totalRow = invoiceCsv.get(invoiceCsv.size() - 1);
				totals.put("invoice CSV total", new BigDecimal(totalRow.get("cost")));
				totals.put("invoice CSV lines", column(invoiceCsv.subList(0, invoiceCsv.size() - 1), "cost"));
			}
			for (Map.Entry<String, BigDecimal> view : totals.entrySet()) {
				if (view.getValue().compareTo(total) != 0) {
					fail(label + "the total is " + total + " (exactly " + exact.stripTrailingZeros().toPlainString()
							+ "); the " + view.getKey() + " says " + view.getValue() + " (all views: " + totals + ")");
				}
			}
			for (Map.Entry<String, Map<String, BigDecimal>> view : metricQuantities.entrySet()) {
				if (!sameAmounts(view.getValue(), quantities)) {
					fail(label + "quantities per metric are " + quantities + "; the " + view.getKey() + " says "
							+ view.getValue());
				}
			}
		}

		/**
		 * An abandoned response (output sent, the socket closed before its end) is metered: expected
		 * to hold once responses that end any way but completed are metered.
		 */
		private void checkAbandoned(List<LedgerRow> rows, List<SessionRun> runs,
				Map<String, List<UpstreamReports.Reported>> reports) {
			for (SessionRun run : runs) {
				for (String id : run.abandoned()) {
					if (outputTokens(rows, id).signum() == 0) {
						boolean reported = reports.get(run.id())
							.stream()
							.anyMatch((report) -> report.responseId().equals(id));
						fail("ABANDONED: response " + id + " of session " + run.id()
								+ " sent output before its socket closed, but the ledger holds no output tokens for it"
								+ (reported ? " (the sandbox reported its usage)" : " (the sandbox reported none)"));
					}
				}
			}
		}

		private Map<String, JsonNode> invoicesByPeriod() {
			JsonNode page = json.readTree(getText(this.finance, "/v1/invoices?limit=100"));
			Map<String, JsonNode> byPeriod = new TreeMap<>();
			for (JsonNode invoice : page.path("data")) {
				if (byPeriod.put(invoice.path("period_start").asString(), invoice) != null) {
					fail("two invoices for " + invoice.path("period_start").asString());
				}
				if (!"USD".equals(invoice.path("currency").asString())) {
					fail("an invoice in " + invoice.path("currency").asString());
				}
			}
			return byPeriod;
		}

		/** An export's bytes; a 429 (the tenant's exports are limited) is waited out as its Retry-After says. */
		private byte[] export(String format, String period) {
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (true) {
				EntityExchangeResult<byte[]> result = as(this.finance).get()
					.uri("/v1/usage/export?format=" + format + "&" + period)
					.exchange()
					.expectBody()
					.returnResult();
				int status = result.getStatus().value();
				if (status == 200) {
					return result.getResponseBodyContent();
				}
				String retryAfter = result.getResponseHeaders().getFirst("Retry-After");
				if (status != 429 || retryAfter == null || System.nanoTime() > deadline) {
					throw new AssertionError("the " + format + " export answered " + status);
				}
				pause(Math.min(2000, Long.parseLong(retryAfter.strip()) * 1000));
			}
		}

		private String getText(String key, String uri) {
			return as(key).get()
				.uri(uri)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody();
		}

		/** The tenant's ledger, read straight from its table. */
		private List<LedgerRow> ledger() {
			return MoneyPropertyTests.this.db
				.sql("SELECT idempotency_key, metric, quantity, occurred_at, session_id, model, compute "
						+ "FROM billing.usage_event WHERE tenant_id = :tenant")
				.bind("tenant", this.tenant.id())
				.map((row) -> new LedgerRow(row.get("idempotency_key", String.class),
						row.get("metric", String.class), row.get("quantity", BigDecimal.class),
						row.get("occurred_at", OffsetDateTime.class).toInstant(), row.get("session_id", String.class),
						row.get("model", String.class), row.get("compute", String.class)))
				.all()
				.collectList()
				.block(WAIT);
		}

		private void mark(String phase) {
			this.timeline.append(phase)
				.append(' ')
				.append(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.started))
				.append(", ");
		}

		private void fail(String failure) {
			this.failures.add(failure);
		}

		/** An index drawn with the given weights. */
		private int pick(int[] weights) {
			int total = 0;
			for (int weight : weights) {
				total += weight;
			}
			int draw = this.random.nextInt(total);
			for (int i = 0; i < weights.length; i++) {
				draw -= weights[i];
				if (draw < 0) {
					return i;
				}
			}
			return weights.length - 1;
		}

		private <T> List<T> some(List<T> from, int count) {
			shuffle(from);
			return new ArrayList<>(from.subList(0, Math.min(count, from.size())));
		}

		private <T> void shuffle(List<T> list) {
			for (int i = list.size() - 1; i > 0; i--) {
				int j = this.random.nextInt(i + 1);
				list.set(i, list.set(j, list.get(i)));
			}
		}

	}

	/** CPU time of this JVM so far (the server and the test together), for the log. */
	private static long processCpuNanos() {
		return (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os)
				? os.getProcessCpuTime() : 0;
	}

	/**
	 * The ledger rows a response's usage makes, by metric, as documented: cached tokens apart from
	 * the rest of the input (they are priced apart), zero quantities left out.
	 */
	static Map<String, BigDecimal> ledgerMetrics(TokenUsage usage) {
		Map<String, BigDecimal> metrics = new LinkedHashMap<>();
		put(metrics, "input_text_tokens", usage.inputTextTokens() - usage.cachedTextTokens());
		put(metrics, "input_audio_tokens", usage.inputAudioTokens() - usage.cachedAudioTokens());
		put(metrics, "cached_input_text_tokens", usage.cachedTextTokens());
		put(metrics, "cached_input_audio_tokens", usage.cachedAudioTokens());
		put(metrics, "output_text_tokens", usage.outputTextTokens());
		put(metrics, "output_audio_tokens", usage.outputAudioTokens());
		return metrics;
	}

	private static void put(Map<String, BigDecimal> metrics, String metric, long quantity) {
		if (quantity > 0) {
			metrics.put(metric, BigDecimal.valueOf(quantity));
		}
	}

	/** Whether the row is the response's usage of {@code metric} (keys name the response). */
	private static boolean of(LedgerRow row, String responseId, String metric) {
		return row.metric().equals(metric) && row.key().contains(":" + responseId + ":");
	}

	private static BigDecimal outputTokens(List<LedgerRow> rows, String responseId) {
		return rows.stream()
			.filter((row) -> of(row, responseId, "output_text_tokens") || of(row, responseId, "output_audio_tokens"))
			.map(LedgerRow::quantity)
			.reduce(BigDecimal.ZERO, BigDecimal::add);
	}

	private static void say(RealtimeTestClient client, String text) {
		ObjectNode create = json.createObjectNode().put("type", "conversation.item.create");
		ObjectNode item = create.putObject("item").put("type", "message").put("role", "user");
		item.putArray("content").addObject().put("type", "input_text").put("text", text);
		client.send(create);
		client.send("{\"type\":\"response.create\"}");
	}

	private static boolean isDone(JsonNode event, String responseId) {
		return "response.done".equals(event.path("type").asString())
				&& responseId.equals(event.path("response").path("id").asString());
	}

	/** The {@code n}th (from 0) event of {@code type}, waiting for it. */
	private static JsonNode nth(RealtimeTestClient client, String type, int n) {
		return awaitValue(() -> {
			List<JsonNode> events = client.received()
				.stream()
				.filter((event) -> type.equals(event.path("type").asString()))
				.toList();
			return (events.size() > n) ? events.get(n) : null;
		}, (event) -> event != null, type + " #" + n + " (received " + client.types() + ")");
	}

	private static JsonNode await(RealtimeTestClient client, Predicate<JsonNode> test) {
		return client.await(test, WAIT);
	}

	/** Waits until {@code count} output deltas of the response have arrived. */
	private static void awaitDeltas(RealtimeTestClient client, String responseId, int count) {
		awaitValue(() -> client.received()
			.stream()
			.filter((event) -> event.path("type").asString().endsWith(".delta")
					&& responseId.equals(event.path("response_id").asString()))
			.count(), (deltas) -> deltas >= count, count + " deltas of " + responseId);
	}

	/** The first value of {@code supplier} that passes {@code test}, polled every 10 ms until a deadline. */
	private static <T> T awaitValue(Supplier<T> supplier, Predicate<T> test, String what) {
		return awaitValue(supplier, test, what, 10);
	}

	/** The first value of {@code supplier} that passes {@code test}, polled until a deadline. */
	private static <T> T awaitValue(Supplier<T> supplier, Predicate<T> test, String what, long pollMillis) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (true) {
			T value = supplier.get();
			if (test.test(value)) {
				return value;
			}
			if (System.nanoTime() > deadline) {
				throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what + "; last: " + value);
			}
			pause(pollMillis);
		}
	}

	/** Like {@link #awaitValue}, but after {@code wait} the last value, whether it passes or not. */
	private static <T> T awaitOrLast(Supplier<T> supplier, Predicate<T> test, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		while (true) {
			T value = supplier.get();
			if (test.test(value) || System.nanoTime() > deadline) {
				return value;
			}
			pause(100);
		}
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static BigDecimal zero() {
		return new BigDecimal("0.00");
	}

	private static BigDecimal sum(JsonNode array, String field) {
		BigDecimal sum = zero();
		for (JsonNode item : array) {
			sum = sum.add(new BigDecimal(item.path(field).asString()));
		}
		return sum;
	}

	private static BigDecimal column(List<Map<String, String>> rows, String column) {
		BigDecimal sum = zero();
		for (Map<String, String> row : rows) {
			String value = row.get(column);
			if (value == null) {
				throw new AssertionError("no column " + column + " in " + row.keySet());
			}
			sum = sum.add(new BigDecimal(value));
		}
		return sum;
	}

	private static Map<String, BigDecimal> quantities(List<Map<String, String>> rows, String metric, String quantity) {
		Map<String, BigDecimal> byMetric = new TreeMap<>();
		for (Map<String, String> row : rows) {
			byMetric.merge(row.get(metric), new BigDecimal(row.get(quantity)), BigDecimal::add);
		}
		return byMetric;
	}

	/** Same keys, and amounts equal by value. */
	private static <K> boolean sameAmounts(Map<K, BigDecimal> actual, Map<K, BigDecimal> expected) {
		if (!new TreeSet<>(actual.keySet().stream().map(Object::toString).toList())
			.equals(new TreeSet<>(expected.keySet().stream().map(Object::toString).toList()))) {
			return false;
		}
		for (Map.Entry<K, BigDecimal> entry : expected.entrySet()) {
			BigDecimal value = actual.get(entry.getKey());
			if (value == null || value.compareTo(entry.getValue()) != 0) {
				return false;
			}
		}
		return true;
	}

}

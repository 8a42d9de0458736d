package io.duplex.session.openai;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.duplex.session.SessionTestSupport;
import io.duplex.session.audio.SpeechLikeAudio;
import io.duplex.session.gateway.RealtimeTestClient;
import io.duplex.session.testing.TestModels;
import io.duplex.session.text.TextTokens;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every produced token is billed: a response that ends any way other than {@code completed} (the
 * client cancels it, the user speaks over it, the client closes or drops its socket, a rollover or
 * a cut-off stops it, the upstream fails midway) is metered from the usage the upstream reports for
 * it, or, when none comes in time, from what it delivered, marked estimated; and usage the upstream
 * reports for a response Duplex did not ask for is metered too, once. Checked in the ledger
 * ({@code billing.usage_event}) and in the session's totals, against the fake OpenAI upstream.
 */
class OpenAiAbandonedResponseTests extends SessionTestSupport {

	private static final FakeOpenAiRealtime fake = FakeOpenAiRealtime.start();

	/** The ledger's figures for the fake's cancelled usage (input less its cached part, as priced). */
	private static final Map<String, Long> CANCELLED = Map.of("input_text_tokens", 59L, "input_audio_tokens", 9L,
			"cached_input_text_tokens", 60L, "cached_input_audio_tokens", 4L, "output_text_tokens", 7L,
			"output_audio_tokens", 40L);

	/** The same for the fake's usage of a completed response. */
	private static final Map<String, Long> COMPLETED = Map.of("input_text_tokens", 59L, "input_audio_tokens", 9L,
			"cached_input_text_tokens", 60L, "cached_input_audio_tokens", 4L, "output_text_tokens", 30L,
			"output_audio_tokens", 91L);

	/** Ten fake audio deltas are one second of audio: 20 tokens at the test model's output rate. */
	private static final long TEN_DELTAS_AUDIO_TOKENS = 20;

	@DynamicPropertySource
	static void upstream(DynamicPropertyRegistry registry) {
		registry.add("duplex.providers.openai.base-url", fake::baseUrl);
		registry.add("duplex.providers.openai.api-key", () -> FakeOpenAiRealtime.KEY);
		registry.add("duplex.sessions.cancel-usage-wait", () -> "1s");
	}

	@Autowired
	private DatabaseClient db;

	@AfterAll
	static void stopFake() {
		fake.close();
	}

	@AfterEach
	void resetFake() {
		fake.mode = FakeOpenAiRealtime.Mode.SPEAK;
		fake.holdDeltas = 1;
		fake.cancelDelay = Duration.ZERO;
	}

	@Test
	void clientCloseWhenTenAudioDeltasArrivedThenTheResponseAndItsReportedTokensAreBilled() {
		holdTenDeltas();
		Session session = openSession(Map.of());
		try (RealtimeTestClient client = session.connect()) {
			String sessionId = sessionId(client);
			askAndAwaitTenDeltas(client);
			String responseId = client.await("response.created").path("response").path("id").stringValue();
			client.close();

			Map<String, Object> row = awaitRow(sessionId, (record) -> "ended".equals(record.get("status")));
			assertThat(row.get("end_reason")).isEqualTo("client_closed");
			assertThat(row.get("responses")).isEqualTo(1);
			assertThat(totalTokens(row)).isEqualTo(179);
			assertThat(ledger(sessionId, responseId)).isEqualTo(CANCELLED);
			assertThat(ledgerTokens(sessionId)).isEqualTo(totalTokens(row));
		}
		assertThat(fake.received("response.cancel")).isNotEmpty();
		assertThat(fake.serverViolations).isEmpty();
	}

	@Test
	void clientCancelWhenResponseIsStreamingThenTheUpstreamsCancelledUsageIsBilledAndShown() {
		holdTenDeltas();
		Session session = openSession(Map.of());
		try (RealtimeTestClient client = session.connect()) {
			String sessionId = sessionId(client);
			askAndAwaitTenDeltas(client);
			client.send("{\"type\":\"response.cancel\"}");
			JsonNode done = client.await("response.done").path("response");
			assertThat(done.path("status").stringValue()).isEqualTo("cancelled");
			assertThat(done.path("usage").path("total_tokens").asLong()).isEqualTo(179);
			String responseId = done.path("id").stringValue();
			client.close();

			Map<String, Object> row = awaitRow(sessionId, (record) -> "ended".equals(record.get("status")));
			assertThat(row.get("responses")).isEqualTo(1);
			assertThat(totalTokens(row)).isEqualTo(179);
			assertThat(ledger(sessionId, responseId)).isEqualTo(CANCELLED);
			assertThat(estimatedMarks(sessionId, responseId)).containsOnly(false);
		}
	}

	@Test
	void interruptionWhenUserSpeaksOverTheAnswerThenTheCutResponseIsBilledFromTheUpstreamsUsage() {
		holdTenDeltas();
		Session session = openSession(Map.of());
		try (RealtimeTestClient client = session.connect()) {
			String sessionId = sessionId(client);
			client.streamPcm(new SpeechLikeAudio(61).silence(300).speech(1_200).silence(900).samples());
			JsonNode tenth = awaitAudioDeltas(client, 10);
			// the user speaks over the answer: server VAD cancels it
			client.streamPcm(new SpeechLikeAudio(62).speech(1_200).samples());
			JsonNode done = client.awaitAfter(tenth, "response.done").path("response");
			assertThat(done.path("status").stringValue()).isEqualTo("cancelled");
			assertThat(done.path("status_details").path("reason").stringValue()).isEqualTo("turn_detected");
			String responseId = done.path("id").stringValue();
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> ledger(sessionId, responseId).equals(CANCELLED));
			client.close();

			Map<String, Object> row = awaitRow(sessionId, (record) -> "ended".equals(record.get("status")));
			assertThat(ledgerTokens(sessionId)).isEqualTo(totalTokens(row));
		}
	}

	@Test
	void socketDroppedWhenResponseIsStreamingThenItIsCancelledUpstreamAndItsUsageBilled() {
		holdTenDeltas();
		Session session = openSession(Map.of());
		try (RealtimeTestClient client = session.connect()) {
			String sessionId = sessionId(client);
			askAndAwaitTenDeltas(client);
			String responseId = client.await("response.created").path("response").path("id").stringValue();
			// no close frame: a lost network
			client.drop();

			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> ledger(sessionId, responseId).equals(CANCELLED));
			Map<String, Object> row = awaitRow(sessionId, (record) -> ((Integer) record.get("responses")) == 1);
			assertThat(totalTokens(row)).isEqualTo(179);
		}
	}

	@Test
	void cutOffWhenTenantIsSuspendedMidAnswerThenTheResponseIsBilledBeforeTheSessionEnds() {
		holdTenDeltas();
		Session session = openSession(Map.of());
		try (RealtimeTestClient client = session.connect()) {
			String sessionId = sessionId(client);
			askAndAwaitTenDeltas(client);
			String responseId = client.await("response.created").path("response").path("id").stringValue();
			asPlatformAdmin().post()
				.uri("/v1/tenants/{id}/suspend", session.tenant().id())
				.exchange()
				.expectStatus()
				.isOk();

			client.awaitClose(Duration.ofSeconds(10));
			Map<String, Object> row = awaitRow(sessionId, (record) -> "ended".equals(record.get("status")));
			assertThat(row.get("end_reason")).isEqualTo("tenant_suspended");
			assertThat(row.get("responses")).isEqualTo(1);
			assertThat(totalTokens(row)).isEqualTo(179);
			assertThat(ledger(sessionId, responseId)).isEqualTo(CANCELLED);
		}
	}

	@Test
	void sessionEndWhenUpstreamReportsTooLateThenWhatWasDeliveredIsBilledAsEstimatedWithinTheWait() {
		holdTenDeltas();
		// far beyond the session's wait (1 s here): only the bound can end the session in time
		fake.cancelDelay = Duration.ofSeconds(30);
		Session session = openSession(Map.of());
		try (RealtimeTestClient client = session.connect()) {
			String sessionId = sessionId(client);
			askAndAwaitTenDeltas(client);
			String responseId = client.await("response.created").path("response").path("id").stringValue();
			client.close();

			Map<String, Object> row = awaitRow(sessionId, (record) -> "ended".equals(record.get("status")));
			Map<String, Long> estimated = Map.of("output_audio_tokens", TEN_DELTAS_AUDIO_TOKENS, "output_text_tokens",
					TextTokens.count(FakeResponses.transcript(10)));
			assertThat(ledger(sessionId, responseId)).isEqualTo(estimated);
			assertThat(estimatedMarks(sessionId, responseId)).containsOnly(true);
			assertThat(row.get("responses")).isEqualTo(1);
			assertThat(totalTokens(row)).isEqualTo(estimated.values().stream().mapToLong(Long::longValue).sum());
		}
	}

	@Test
	void upstreamDropWhenOutputBeganThenTheFailedResponseIsBilledFromWhatWasDelivered() {
		holdTenDeltas();
		Session session = openSession(Map.of());
		try (RealtimeTestClient client = session.connect()) {
			String sessionId = sessionId(client);
			askAndAwaitTenDeltas(client);
			fake.connection().drop();

			JsonNode done = client.await("response.done").path("response");
			assertThat(done.path("status").stringValue()).isEqualTo("failed");
			long text = TextTokens.count(FakeResponses.transcript(10));
			// what the client is shown is what is billed
			assertThat(done.path("usage").path("output_token_details").path("audio_tokens").asLong())
				.isEqualTo(TEN_DELTAS_AUDIO_TOKENS);
			assertThat(done.path("usage").path("output_token_details").path("text_tokens").asLong()).isEqualTo(text);
			assertThat(done.path("usage").path("input_tokens").asLong()).isZero();
			String responseId = done.path("id").stringValue();
			client.await((event) -> "duplex.session.rollover".equals(event.path("type").stringValue(""))
					&& "completed".equals(event.path("phase").stringValue("")), Duration.ofSeconds(10));
			client.close();

			Map<String, Object> row = awaitRow(sessionId, (record) -> "ended".equals(record.get("status")));
			assertThat(ledger(sessionId, responseId))
				.isEqualTo(Map.of("output_audio_tokens", TEN_DELTAS_AUDIO_TOKENS, "output_text_tokens", text));
			assertThat(estimatedMarks(sessionId, responseId)).containsOnly(true);
			assertThat(totalTokens(row)).isEqualTo(TEN_DELTAS_AUDIO_TOKENS + text);
		}
	}

	@Test
	void unsolicitedUsageWhenUpstreamReportsAResponseDuplexDidNotAskForThenItIsBilledOnce() {
		Session session = openSession(Map.of());
		try (RealtimeTestClient client = session.connect()) {
			String sessionId = sessionId(client);
			FakeConnection upstream = fake.connection();
			String unasked = "resp_unasked" + UUID.randomUUID().toString().substring(0, 8);
			upstream.unsolicited(unasked);
			upstream.reportAgain(unasked);
			// the client's response.create only once the unasked one is billed: were it read first, the
			// upstream's response.created of the unasked response would answer the client's request
			Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> COMPLETED.equals(ledger(sessionId, unasked)));
			client.send("{\"type\":\"response.create\"}");
			String answered = client.await("response.done").path("response").path("id").stringValue();
			client.close();

			Map<String, Object> row = awaitRow(sessionId, (record) -> "ended".equals(record.get("status")));
			assertThat(ledger(sessionId, unasked)).isEqualTo(COMPLETED);
			assertThat(ledger(sessionId, answered)).isEqualTo(COMPLETED);
			// the client's response counts as one; the unasked one's tokens once, beside it
			assertThat(row.get("responses")).isEqualTo(1);
			assertThat(totalTokens(row)).isEqualTo(2 * 253);
			assertThat(ledgerTokens(sessionId)).isEqualTo(totalTokens(row));
		}
	}

	@Test
	void rolloverWhenTheDeadlineCutsTheAnswerAndNoUsageComesThenTheRolloverWaitsBoundedAndBillsTheEstimate() {
		holdTenDeltas();
		fake.cancelDelay = Duration.ofSeconds(60);
		// a model capped at 60 s must roll over 30 s in, busy or not
		Session session = openSession(Map.of("max_session_seconds", 60));
		try (RealtimeTestClient client = session.connect()) {
			String sessionId = sessionId(client);
			askAndAwaitTenDeltas(client);
			String responseId = client.await("response.created").path("response").path("id").stringValue();
			JsonNode started = client.await((event) -> "duplex.session.rollover".equals(event.path("type").stringValue(""))
					&& "started".equals(event.path("phase").stringValue("")), Duration.ofSeconds(45));
			assertThat(started.path("reason").stringValue()).isEqualTo("model-cap");
			JsonNode done = client.awaitAfter(started, "response.done").path("response");
			assertThat(done.path("status").stringValue()).isEqualTo("cancelled");
			long text = TextTokens.count(FakeResponses.transcript(10));
			assertThat(done.path("usage").path("output_tokens").asLong()).isEqualTo(TEN_DELTAS_AUDIO_TOKENS + text);
			client.awaitAfter(done, "duplex.session.rollover");
			client.close();

			Map<String, Object> row = awaitRow(sessionId, (record) -> "ended".equals(record.get("status")));
			assertThat(ledger(sessionId, responseId))
				.isEqualTo(Map.of("output_audio_tokens", TEN_DELTAS_AUDIO_TOKENS, "output_text_tokens", text));
			assertThat(estimatedMarks(sessionId, responseId)).containsOnly(true);
			assertThat(totalTokens(row)).isEqualTo(TEN_DELTAS_AUDIO_TOKENS + text);
		}
	}

	private static void holdTenDeltas() {
		fake.mode = FakeOpenAiRealtime.Mode.HOLD;
		fake.holdDeltas = 10;
	}

	private static String sessionId(RealtimeTestClient client) {
		return client.await("session.created").path("session").path("id").stringValue();
	}

	private static void askAndAwaitTenDeltas(RealtimeTestClient client) {
		client.send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
				+ "\"content\":[{\"type\":\"input_text\",\"text\":\"Tell me a long story.\"}]}}");
		client.send("{\"type\":\"response.create\"}");
		awaitAudioDeltas(client, 10);
	}

	private static JsonNode awaitAudioDeltas(RealtimeTestClient client, int count) {
		// the client's await looks at each event once, in order: the count-th delta is the one returned
		int[] seen = { 0 };
		return client.await((event) -> "response.output_audio.delta".equals(event.path("type").stringValue(""))
				&& ++seen[0] >= count, Duration.ofSeconds(15));
	}

	/** The response's ledger events, metric by quantity, keyed {@code <session>:<response>:<metric>}. */
	private Map<String, Long> ledger(String sessionId, String responseId) {
		Map<String, Long> metrics = new HashMap<>();
		this.db.sql("SELECT metric, quantity FROM billing.usage_event WHERE session_id = :id AND idempotency_key LIKE :key")
			.bind("id", sessionId)
			.bind("key", sessionId + ":" + responseId + ":%")
			.fetch()
			.all()
			.doOnNext((row) -> metrics.put((String) row.get("metric"), ((BigDecimal) row.get("quantity")).longValue()))
			.blockLast(Duration.ofSeconds(10));
		return metrics;
	}

	/** Whether each of the response's ledger events is marked estimated, as the ledger and exports show it. */
	private List<Boolean> estimatedMarks(String sessionId, String responseId) {
		return this.db
			.sql("SELECT estimated FROM billing.usage_event WHERE session_id = :id AND idempotency_key LIKE :key "
					+ "AND source = 'platform'")
			.bind("id", sessionId)
			.bind("key", sessionId + ":" + responseId + ":%")
			.map((row) -> row.get("estimated", Boolean.class))
			.all()
			.collectList()
			.block(Duration.ofSeconds(10));
	}

	/** Every token the ledger holds for the session, cached input not counted twice (as the totals count). */
	private long ledgerTokens(String sessionId) {
		BigDecimal sum = this.db
			.sql("SELECT coalesce(sum(quantity), 0) AS tokens FROM billing.usage_event WHERE session_id = :id "
					+ "AND metric LIKE '%\\_tokens'")
			.bind("id", sessionId)
			.map((row) -> row.get("tokens", BigDecimal.class))
			.one()
			.block(Duration.ofSeconds(10));
		return sum.longValue();
	}

	private static long totalTokens(Map<String, Object> row) {
		return ((Number) row.get("input_text_tokens")).longValue() + ((Number) row.get("input_audio_tokens")).longValue()
				+ ((Number) row.get("output_text_tokens")).longValue()
				+ ((Number) row.get("output_audio_tokens")).longValue();
	}

	/** The session's record as stored, read from the database (a suspended tenant's keys read nothing). */
	private Map<String, Object> row(String sessionId) {
		return this.db
			.sql("SELECT status, end_reason, responses, input_text_tokens, input_audio_tokens, output_text_tokens, "
					+ "output_audio_tokens FROM realtime.session WHERE id = :id")
			.bind("id", sessionId)
			.fetch()
			.one()
			.block(Duration.ofSeconds(10));
	}

	private Map<String, Object> awaitRow(String sessionId, Predicate<Map<String, Object>> done) {
		Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> done.test(row(sessionId)));
		return row(sessionId);
	}

	private record Session(TestTenant tenant, URI uri) {

		RealtimeTestClient connect() {
			return RealtimeTestClient.connect(this.uri, this.tenant.adminKey());
		}

	}

	/** A tenant with an agent on a fresh fake OpenAI model; {@code model} overrides its catalog fields. */
	private Session openSession(Map<String, Object> model) {
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String id = "oai-" + suffix;
		String region = "test-" + suffix;
		String pool = "pool-" + suffix;
		post(asPlatformAdmin(), "/v1/admin/regions", Map.of("id", region, "name", "Test region " + suffix));
		post(asPlatformAdmin(), "/v1/admin/compute", Map.of("region", region, "id", pool, "accelerator", "none", "kind",
				"provider-hosted", "max_concurrent_sessions", 10, "price_per_minute", "0"));
		int maxSeconds = (Integer) model.getOrDefault("max_session_seconds", 3600);
		Map<String, Object> definition = TestModels.definition(id, "openai", "realtime", "Fake OpenAI realtime",
				maxSeconds, List.of("alloy", "marin"), "1", region, pool);
		post(asPlatformAdmin(), "/v1/admin/models", definition);
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey(), Map.of("model", id, "region", region, "compute", pool));
		return new Session(tenant, URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?agent=" + agent));
	}

}

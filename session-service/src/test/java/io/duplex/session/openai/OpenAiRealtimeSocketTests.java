package io.duplex.session.openai;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.duplex.session.SessionTestSupport;
import io.duplex.session.audio.SpeechLikeAudio;
import io.duplex.session.gateway.RealtimeTestClient;
import io.duplex.session.testing.LedgerTokens;
import io.duplex.session.testing.ProviderSessions;
import io.duplex.session.testing.TestModels;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: a platform admin adds an {@code openai} model to the catalog, an agent uses it, and a
 * client's turn over the real Duplex socket goes to the fake OpenAI upstream and back.
 */
class OpenAiRealtimeSocketTests extends SessionTestSupport {

	private static final FakeOpenAiRealtime fake = FakeOpenAiRealtime.start();

	@DynamicPropertySource
	static void upstream(DynamicPropertyRegistry registry) {
		registry.add("duplex.providers.openai.base-url", fake::baseUrl);
		registry.add("duplex.providers.openai.api-key", () -> FakeOpenAiRealtime.KEY);
		registry.add("duplex.sessions.rollover-summary-timeout", () -> "1500ms");
	}

	@Autowired
	private DatabaseClient db;

	@AfterAll
	static void stopFake() {
		fake.close();
	}

	@Test
	void textTurnWhenAgentUsesOpenAiModelThenUpstreamAnswersThroughDuplex() {
		Placement placement = newOpenAiPlacement();
		String model = placement.model();
		TestTenant tenant = newTenant();
		Map<String, Object> fields = new HashMap<>(Map.of("model", model, "region", placement.region(), "compute", placement.compute()));
		fields.put("instructions", "Be brief.");
		String agent = newAgent(tenant.adminKey(), fields);
		URI uri = URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?agent=" + agent);
		try (RealtimeTestClient client = RealtimeTestClient.connect(uri, tenant.adminKey())) {
			client.await("session.created");
			client.send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
					+ "\"content\":[{\"type\":\"input_text\",\"text\":\"Hello?\"}]}}");
			client.send("{\"type\":\"response.create\"}");
			JsonNode done = client.await("response.done");
			JsonNode transcript = client.await("response.output_audio_transcript.done");
			assertThat(transcript.path("transcript").stringValue()).isEqualTo(FakeResponses.transcript(3));
			assertThat(done.path("response").path("status").stringValue()).isEqualTo("completed");
			JsonNode usage = done.path("response").path("usage");
			assertThat(usage.path("input_tokens").asLong()).isEqualTo(132);
			assertThat(usage.path("output_tokens").asLong()).isEqualTo(121);
			assertThat(client.schemaViolations()).isEmpty();
		}
		assertThat(fake.models).contains(model);
		assertThat(fake.received("conversation.item.create")).isNotEmpty();
		assertThat(fake.received("session.update")).extracting(
				(update) -> update.path("session").path("instructions").stringValue(""))
			.contains("Be brief.");
		assertThat(fake.clientViolations).isEmpty();
		assertThat(fake.serverViolations).isEmpty();
	}

	@Test
	void voiceTurnWhenEngineDetectsTurnThenItIsCommittedUpstreamAndTheReplyPlays() {
		Placement placement = newOpenAiPlacement();
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey(),
				Map.of("model", placement.model(), "region", placement.region(), "compute", placement.compute()));
		int turnsBefore = fake.connections.stream().mapToInt((connection) -> connection.turns.size()).sum();
		URI uri = URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?agent=" + agent);
		try (RealtimeTestClient client = RealtimeTestClient.connect(uri, tenant.adminKey())) {
			client.await("session.created");
			client.streamPcm(new SpeechLikeAudio(7).silence(500).speech(1500).silence(900).samples());
			JsonNode done = client.await((event) -> "response.done".equals(event.path("type").stringValue("")),
					Duration.ofSeconds(15));
			assertThat(done.path("response").path("status").stringValue()).isEqualTo("completed");
			int audioBytes = client.received()
				.stream()
				.filter((event) -> "response.output_audio.delta".equals(event.path("type").stringValue("")))
				.mapToInt((event) -> Base64.getDecoder().decode(event.path("delta").stringValue("")).length)
				.sum();
			assertThat(audioBytes).isEqualTo(FakeOpenAiRealtime.audio(3).length);
			assertThat(client.schemaViolations()).isEmpty();
		}
		int turns = fake.connections.stream().mapToInt((connection) -> connection.turns.size()).sum();
		assertThat(turns - turnsBefore).isEqualTo(1);
		assertThat(fake.clientViolations).isEmpty();
	}

	@Test
	void minuteLongVoiceConversationWhenRollingOverEveryFiveSecondsThenNothingIsLostOrRepeated() {
		Placement placement = newOpenAiPlacement();
		TestTenant tenant = newTenant();
		Map<String, Object> fields = new HashMap<>(
				Map.of("model", placement.model(), "region", placement.region(), "compute", placement.compute()));
		fields.put("rollover", Map.of("after_seconds", 5));
		String agent = newAgent(tenant.adminKey(), fields);
		SpeechLikeAudio audio = new SpeechLikeAudio(37).silence(400);
		for (int turn = 0; turn < 17; turn++) {
			audio.speech(1_000 + 50 * (turn % 5)).silence(2_400);
		}
		short[] samples = audio.samples();
		int before = fake.connections.size();
		String sessionId;
		List<JsonNode> received;
		URI uri = URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?agent=" + agent);
		try (RealtimeTestClient client = RealtimeTestClient.connect(uri, tenant.adminKey())) {
			sessionId = client.await("session.created").path("session").path("id").stringValue();
			client.streamPcm(samples);
			client.await((event) -> "response.done".equals(event.path("type").stringValue(""))
					&& client.received().stream().filter((e) -> "response.done".equals(e.path("type").stringValue("")))
						.count() >= 17, Duration.ofSeconds(15));
			received = client.received();
			assertThat(client.schemaViolations()).isEmpty();
		}
		assertThat(received).filteredOn((event) -> "error".equals(event.path("type").stringValue(""))).isEmpty();
		List<JsonNode> completed = received.stream()
			.filter((event) -> "duplex.session.rollover".equals(event.path("type").stringValue(""))
					&& "completed".equals(event.path("phase").stringValue("")))
			.toList();
		assertThat(completed).hasSizeGreaterThanOrEqualTo(5);

		// this test's upstream sessions, in the order they were opened (tests of this class run one at a time)
		List<FakeConnection> opened = List.copyOf(fake.connections.subList(before, fake.connections.size()));
		assertThat(opened).hasSize(completed.size() + 1);
		// every sample the client sent reached exactly one upstream, once, in order
		java.io.ByteArrayOutputStream delivered = new java.io.ByteArrayOutputStream();
		opened.forEach((connection) -> delivered.writeBytes(connection.appended()));
		assertThat(delivered.toByteArray()).isEqualTo(ProviderSessions.pcm(samples));
		// each later upstream was seeded with the conversation so far, as text
		assertThat(items(opened.get(0))).isEmpty();
		for (int i = 1; i < opened.size(); i++) {
			List<JsonNode> seeded = items(opened.get(i));
			assertThat(seeded).isNotEmpty().hasSizeGreaterThanOrEqualTo(items(opened.get(i - 1)).size());
			assertThat(seeded).allMatch((item) -> !text(item).isEmpty());
			assertThat(completed.get(i - 1).path("carried_items").asInt()).isEqualTo(seeded.size());
		}

		Map<String, Object> transcript = await(() -> get(as(tenant.adminKey()), "/v1/sessions/" + sessionId + "/transcript"),
				(body) -> ((List<?>) body.get("items")).size() == 34);
		List<?> items = (List<?>) transcript.get("items");
		assertThat(items).hasSize(34);
		for (int i = 0; i < items.size(); i++) {
			assertThat(((Map<?, ?>) items.get(i)).get("role")).isEqualTo((i % 2 == 0) ? "user" : "assistant");
		}
		Map<String, Object> session = await(() -> get(as(tenant.adminKey()), "/v1/sessions/" + sessionId),
				(body) -> "ended".equals(body.get("status")));
		List<?> segments = (List<?>) session.get("segments");
		assertThat(segments).hasSize(opened.size());
		// usage is attributed to segments, and the segments add up to the session's totals
		long sessionTokens = ((Number) ((Map<?, ?>) session.get("usage")).get("total_tokens")).longValue();
		Map<Integer, Long> bySegment = LedgerTokens.bySegment(this.db, sessionId);
		assertThat(bySegment).hasSizeGreaterThanOrEqualTo(5);
		long ledgerTokens = bySegment.values().stream().mapToLong(Long::longValue).sum();
		assertThat(ledgerTokens).isEqualTo(sessionTokens);
	}

	private static Map<String, Object> await(java.util.function.Supplier<Map<String, Object>> read,
			java.util.function.Predicate<Map<String, Object>> done) {
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> done.test(read.get()));
		return read.get();
	}

	@Test
	void sessionExpiredWhenUpstreamKeepsEndingSessionsThenResumedUntilItGivesUpWithACleanClose() {
		Placement placement = newOpenAiPlacement();
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey(),
				Map.of("model", placement.model(), "region", placement.region(), "compute", placement.compute()));
		URI uri = URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?agent=" + agent);
		fake.maxDuration = Duration.ofMillis(500);
		try (RealtimeTestClient client = RealtimeTestClient.connect(uri, tenant.adminKey())) {
			client.await("session.created");
			// each upstream session expires after half a second: the session resumes on a new one ...
			JsonNode resumed = client.await((event) -> "duplex.session.rollover".equals(event.path("type").stringValue(""))
					&& "completed".equals(event.path("phase").stringValue("")), Duration.ofSeconds(10));
			assertThat(resumed.path("reason").stringValue()).isEqualTo("upstream-failure");
			// ... until an upstream that never holds is given up on, with a clear error and a clean close
			JsonNode error = client.await((event) -> "error".equals(event.path("type").stringValue("")),
					Duration.ofSeconds(15));
			assertThat(error.path("error").path("code").stringValue()).isEqualTo("model_failed");
			assertThat(client.awaitClose(Duration.ofSeconds(5))).isEqualTo(1011);
			assertThat(client.schemaViolations()).isEmpty();
		}
		finally {
			fake.maxDuration = null;
		}
	}

	@Test
	void rolloverWhenCarryIsSummaryThenTheModelLeftBehindWritesItOutOfBandUnseenAndPaidForByItsSegment() {
		SummaryAgent agent = summaryAgent();
		TestTenant tenant = agent.tenant();
		int before = fake.connections.size();
		String sessionId;
		JsonNode completed;
		List<JsonNode> received;
		try (RealtimeTestClient client = RealtimeTestClient.connect(agent.socket(), tenant.adminKey())) {
			sessionId = client.await("session.created").path("session").path("id").stringValue();
			askSixQuestions(client);
			completed = awaitRollover(client, "completed");
			received = client.received();
			assertThat(client.schemaViolations()).isEmpty();
		}
		assertThat(completed.path("reason").stringValue()).isEqualTo("scheduled");
		// the client saw its own response and nothing of the summary
		assertThat(received).filteredOn((event) -> event.path("type").stringValue("").startsWith("response."))
			.extracting((event) -> event.path("type").stringValue(""))
			.contains("response.created", "response.done")
			.doesNotContain("response.output_text.delta", "response.output_text.done")
			.filteredOn((type) -> type.equals("response.created") || type.equals("response.done"))
			.hasSize(2);
		assertThat(received).filteredOn((event) -> "error".equals(event.path("type").stringValue(""))).isEmpty();

		assertThat(fake.connections).hasSize(before + 2);
		FakeConnection left = fake.connections.get(before);
		FakeConnection next = fake.connections.get(before + 1);
		// the new upstream: the model's summary, then the latest items as they were
		List<JsonNode> seeded = items(next);
		assertThat(completed.path("carried_items").asInt()).isEqualTo(seeded.size());
		assertThat(seeded.get(0).path("role").stringValue()).isEqualTo("system");
		assertThat(text(seeded.get(0))).isEqualTo("Summary of the earlier conversation: " + FakeOpenAiRealtime.SUMMARY);
		List<JsonNode> recent = seeded.subList(1, seeded.size());
		assertThat(recent).hasSizeGreaterThanOrEqualTo(2);
		assertThat(recent.getLast().path("role").stringValue()).isEqualTo("assistant");
		assertThat(text(recent.getLast())).isEqualTo(FakeResponses.transcript(3));
		int kept = recent.size() - 1;
		assertThat(recent.subList(0, kept)).extracting(OpenAiRealtimeSocketTests::text)
			.isEqualTo(questions().subList(6 - kept, 6));
		// the old upstream was asked once, outside its conversation, about exactly the earlier items
		List<JsonNode> asked = left.received.stream()
			.filter((event) -> "response.create".equals(event.path("type").stringValue("")))
			.map((event) -> event.path("response"))
			.filter((response) -> "none".equals(response.path("conversation").stringValue("")))
			.toList();
		assertThat(asked).hasSize(1);
		JsonNode request = asked.get(0);
		assertThat(request.path("output_modalities").toString()).isEqualTo("[\"text\"]");
		assertThat(request.path("metadata").path("purpose").stringValue()).isEqualTo("duplex_summary");
		assertThat(request.path("max_output_tokens").asInt()).isBetween(32, 200);
		List<String> input = new java.util.ArrayList<>();
		request.path("input").forEach((item) -> input.add(text(item)));
		assertThat(input.subList(0, input.size() - 1)).isEqualTo(questions().subList(0, 6 - kept));
		assertThat(next.received).noneMatch((event) -> "none".equals(event.path("response").path("conversation")
			.stringValue("")));

		// the summary's tokens are in the ledger, for the segment it ran on, and in the session's totals
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> "ended".equals(get(as(tenant.adminKey()), "/v1/sessions/" + sessionId).get("status")));
		Map<String, Object> session = get(as(tenant.adminKey()), "/v1/sessions/" + sessionId);
		Map<String, Long> summaryUsage = new HashMap<>();
		this.db.sql("SELECT metric, segment, quantity FROM billing.usage_event WHERE session_id = :id "
				+ "AND idempotency_key LIKE :key")
			.bind("id", sessionId)
			.bind("key", sessionId + ":summary_%")
			.fetch()
			.all()
			.doOnNext((row) -> {
				assertThat(row.get("segment")).isEqualTo(1);
				summaryUsage.put((String) row.get("metric"), ((java.math.BigDecimal) row.get("quantity")).longValue());
			})
			.blockLast(Duration.ofSeconds(10));
		assertThat(summaryUsage).isEqualTo(Map.of("input_text_tokens", 172L, "cached_input_text_tokens", 128L,
				"output_text_tokens", 45L));
		Map<?, ?> totals = (Map<?, ?>) session.get("usage");
		// the client's one response (253 tokens) and the summary (345)
		assertThat(((Number) totals.get("total_tokens")).longValue()).isEqualTo(598);
		assertThat(fake.clientViolations).isEmpty();
		assertThat(fake.serverViolations).isEmpty();
	}

	@Test
	void rolloverWhenTheSummaryComesTooLateThenTheConversationIsCondensedAndNoAudioIsLostOrRepeated() {
		SummaryAgent agent = summaryAgent();
		int before = fake.connections.size();
		fake.outOfBand = FakeOpenAiRealtime.OutOfBand.SLOW;
		fake.outOfBandDelay = Duration.ofSeconds(4);
		short[] samples = new SpeechLikeAudio(61).silence(9_000).samples();
		JsonNode completed;
		try (RealtimeTestClient client = RealtimeTestClient.connect(agent.socket(), agent.tenant().adminKey())) {
			client.await("session.created");
			askSixQuestions(client);
			// the user goes on sending audio through the whole switch
			client.streamPcm(samples);
			completed = awaitRollover(client, "completed");
			assertThat(client.received()).filteredOn((event) -> "error".equals(event.path("type").stringValue("")))
				.isEmpty();
			assertThat(client.schemaViolations()).isEmpty();
		}
		finally {
			fake.outOfBand = FakeOpenAiRealtime.OutOfBand.ANSWER;
		}
		assertThat(fake.connections).hasSize(before + 2);
		FakeConnection left = fake.connections.get(before);
		FakeConnection next = fake.connections.get(before + 1);
		assertThat(left.received).anyMatch((event) -> "none".equals(event.path("response").path("conversation")
			.stringValue("")));
		List<JsonNode> seeded = items(next);
		assertThat(completed.path("carried_items").asInt()).isEqualTo(seeded.size());
		assertThat(text(seeded.get(0))).startsWith("Summary of the conversation so far:\n- User: Question 0:");
		// every sample reached exactly one upstream, once and in order
		java.io.ByteArrayOutputStream delivered = new java.io.ByteArrayOutputStream();
		delivered.writeBytes(left.appended());
		delivered.writeBytes(next.appended());
		assertThat(delivered.toByteArray()).isEqualTo(ProviderSessions.pcm(samples));
	}

	@Test
	void rolloverWhenTheSummaryIsRefusedThenTheConversationIsCondensedAndTheClientSeesNoError() {
		SummaryAgent agent = summaryAgent();
		int before = fake.connections.size();
		fake.outOfBand = FakeOpenAiRealtime.OutOfBand.REFUSE;
		JsonNode started;
		JsonNode completed;
		List<JsonNode> received;
		try (RealtimeTestClient client = RealtimeTestClient.connect(agent.socket(), agent.tenant().adminKey())) {
			client.await("session.created");
			askSixQuestions(client);
			started = awaitRollover(client, "started");
			completed = awaitRollover(client, "completed");
			received = client.received();
		}
		finally {
			fake.outOfBand = FakeOpenAiRealtime.OutOfBand.ANSWER;
		}
		assertThat(received).filteredOn((event) -> "error".equals(event.path("type").stringValue(""))).isEmpty();
		List<JsonNode> seeded = items(fake.connections.get(before + 1));
		assertThat(text(seeded.get(0))).startsWith("Summary of the conversation so far:\n- User: Question 0:");
		assertThat(completed.path("carried_items").asInt()).isEqualTo(seeded.size());
		assertThat(completed.path("segment").asInt()).isEqualTo(started.path("segment").asInt()).isEqualTo(2);
	}

	/** An agent of its own tenant, and where its sessions start. */
	private record SummaryAgent(TestTenant tenant, URI socket) {
	}

	/** An agent on the fake that rolls over after 5 s, carrying a summary within 200 tokens. */
	private SummaryAgent summaryAgent() {
		Placement placement = newOpenAiPlacement();
		TestTenant tenant = newTenant();
		Map<String, Object> fields = new HashMap<>(
				Map.of("model", placement.model(), "region", placement.region(), "compute", placement.compute()));
		fields.put("rollover", Map.of("after_seconds", 5, "carry", "summary", "max_carried_tokens", 200));
		String agent = newAgent(tenant.adminKey(), fields);
		return new SummaryAgent(tenant, URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?agent=" + agent));
	}

	private static List<String> questions() {
		List<String> questions = new java.util.ArrayList<>();
		for (int i = 0; i < 6; i++) {
			questions.add("Question " + i + ": which train leaves Paris for Lyon earliest on Friday, and how long "
					+ "does the journey take?");
		}
		return questions;
	}

	/** Six text turns of the user and one answer: more than half of a 200-token carry. */
	private static void askSixQuestions(RealtimeTestClient client) {
		for (String question : questions()) {
			client.send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
					+ "\"content\":[{\"type\":\"input_text\",\"text\":\"" + question + "\"}]}}");
		}
		client.send("{\"type\":\"response.create\"}");
		assertThat(client.await("response.done").path("response").path("status").stringValue()).isEqualTo("completed");
	}

	private static JsonNode awaitRollover(RealtimeTestClient client, String phase) {
		return client.await((event) -> "duplex.session.rollover".equals(event.path("type").stringValue(""))
				&& phase.equals(event.path("phase").stringValue("")), Duration.ofSeconds(15));
	}

	/** The items an upstream session was seeded with. */
	private static List<JsonNode> items(FakeConnection connection) {
		return connection.received.stream()
			.filter((event) -> "conversation.item.create".equals(event.path("type").stringValue("")))
			.map((event) -> event.path("item"))
			.toList();
	}

	private static String text(JsonNode item) {
		return item.path("content").path(0).path("text").stringValue("");
	}

	/** Where the test's openai model runs. */
	private record Placement(String region, String compute, String model) {
	}

	/** A region and pool of their own with an {@code openai} model, as a platform admin adds them. */
	@Test
	void breakerOpenWhenUpstreamIsDownThenNewSessionsAreRefusedAtOnceWithModelUnavailable() throws Exception {
		int deadPort;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			deadPort = socket.getLocalPort();
		}
		Placement placement = newOpenAiPlacement("ws://127.0.0.1:" + deadPort + "/v1/realtime");
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey(),
				Map.of("model", placement.model(), "region", placement.region(), "compute", placement.compute()));
		URI uri = URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?agent=" + agent);
		// sessions that cannot reach the upstream: each ends with model_unavailable, and they add up
		for (int i = 0; i < 5; i++) {
			try (RealtimeTestClient client = RealtimeTestClient.connect(uri, tenant.adminKey())) {
				JsonNode error = client.await("error");
				assertThat(error.path("error").path("code").stringValue()).isEqualTo("model_unavailable");
				client.awaitClose(Duration.ofSeconds(10));
			}
		}
		// the breaker is open: a new session is refused before it is made, on REST and on the socket
		as(tenant.adminKey()).post()
			.uri("/v1/sessions")
			.bodyValue(Map.of("agent", agent))
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/model-unavailable");
		as(tenant.adminKey()).get().uri("/v1/realtime?agent=" + agent).exchange().expectStatus().isEqualTo(503);
	}

	private Placement newOpenAiPlacement() {
		return newOpenAiPlacement(null);
	}

	/** @param baseUrl the model's own realtime endpoint in the catalog; {@code null}: the configured one */
	private Placement newOpenAiPlacement(@Nullable String baseUrl) {
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String id = "oai-" + suffix;
		String region = "test-" + suffix;
		String pool = "pool-" + suffix;
		post(asPlatformAdmin(), "/v1/admin/regions", Map.of("id", region, "name", "Test region " + suffix));
		post(asPlatformAdmin(), "/v1/admin/compute", Map.of("region", region, "id", pool, "accelerator", "none", "kind",
				"provider-hosted", "max_concurrent_sessions", 10, "price_per_minute", "0"));
		Map<String, Object> definition = TestModels.definition(id, "openai", "realtime", "Fake OpenAI realtime", 3600,
				List.of("alloy", "marin"), "1", region, pool);
		if (baseUrl != null) {
			definition.put("base_url", baseUrl);
		}
		post(asPlatformAdmin(), "/v1/admin/models", definition);
		return new Placement(region, pool, id);
	}

}

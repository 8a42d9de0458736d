package io.duplex.session.openai;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.duplex.session.SessionTestSupport;
import io.duplex.session.audio.SpeechLikeAudio;
import io.duplex.session.gateway.RealtimeTestClient;
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
	}

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
		Map<String, Object> definition = new HashMap<>();
		definition.put("id", id);
		definition.put("provider", "openai");
		definition.put("kind", "realtime");
		definition.put("display_name", "Fake OpenAI realtime");
		definition.put("context_window", 32000);
		definition.put("max_session_seconds", 3600);
		definition.put("input_audio_tokens_per_second", 10);
		definition.put("output_audio_tokens_per_second", 20);
		definition.put("modalities", List.of("text", "audio"));
		definition.put("voices", List.of("alloy", "marin"));
		Map<String, String> prices = new HashMap<>();
		for (String kind : List.of("text_input", "text_cached_input", "text_output", "audio_input",
				"audio_cached_input", "audio_output")) {
			prices.put(kind, "1");
		}
		definition.put("price_per_million_tokens", prices);
		definition.put("regions", List.of(region));
		definition.put("compute", List.of(pool));
		if (baseUrl != null) {
			definition.put("base_url", baseUrl);
		}
		post(asPlatformAdmin(), "/v1/admin/models", definition);
		return new Placement(region, pool, id);
	}

}

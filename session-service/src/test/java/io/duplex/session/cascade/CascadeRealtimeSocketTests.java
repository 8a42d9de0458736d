package io.duplex.session.cascade;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.duplex.session.SessionTestSupport;
import io.duplex.session.testing.TestModels;
import io.duplex.session.audio.SpeechLikeAudio;
import io.duplex.session.gateway.RealtimeTestClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: a platform admin adds a {@code cascade} model to the catalog, an agent uses it, and a
 * user's spoken turn over the real Duplex socket is detected by the engine's server VAD,
 * transcribed, answered and spoken by the fake OpenAI-compatible upstreams the catalog names.
 */
class CascadeRealtimeSocketTests extends SessionTestSupport {

	private static final String CATALOG_KEY = "sk-catalog-e2e-41c7";

	private static final FakeOpenAiCompatible fake = FakeOpenAiCompatible.start();

	static {
		fake.keys = java.util.Set.of(CATALOG_KEY);
	}

	/** Configuration that must not be used: the catalog names every stage. */
	@DynamicPropertySource
	static void upstream(DynamicPropertyRegistry registry) {
		registry.add("duplex.providers.cascade.api-key", () -> "sk-configured-unused");
		registry.add("duplex.providers.cascade.chat.base-url", () -> "http://127.0.0.1:1/v1");
		// the catalog seals the stages' keys at rest with this (test-only) AES-256 key
		registry.add("duplex.secrets.keys.test", () -> "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
	}

	@AfterAll
	static void stopFake() {
		fake.close();
	}

	@Autowired
	private DatabaseClient db;

	@Test
	void voiceTurnWhenEngineDetectsTurnThenItIsTranscribedAnsweredSpokenAndMetered() {
		Placement placement = newCascadePlacement();
		TestTenant tenant = newTenant();
		Map<String, Object> fields = new HashMap<>(Map.of("model", placement.model(), "region", placement.region(),
				"compute", placement.compute()));
		fields.put("instructions", "Be brief.");
		String agent = newAgent(tenant.adminKey(), fields);
		URI uri = URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?agent=" + agent);
		int transcriptionsBefore = fake.received(Transcription.PATH).size();
		String sessionId;
		try (RealtimeTestClient client = RealtimeTestClient.connect(uri, tenant.adminKey())) {
			sessionId = client.await("session.created").path("session").path("id").stringValue();
			client.streamPcm(new SpeechLikeAudio(7).silence(500).speech(1500).silence(900).samples());
			JsonNode done = client.await((event) -> "response.done".equals(event.path("type").stringValue("")),
					Duration.ofSeconds(15));
			assertThat(done.path("response").path("status").stringValue()).isEqualTo("completed");
			JsonNode usage = done.path("response").path("usage");
			assertThat(usage.path("input_tokens").asLong()).isEqualTo(57);
			assertThat(usage.path("input_token_details").path("cached_tokens").asLong()).isEqualTo(32);
			assertThat(usage.path("output_tokens").asLong()).isEqualTo(13);
			JsonNode transcript = client.await("response.output_audio_transcript.done");
			assertThat(transcript.path("transcript").stringValue()).isEqualTo("It is sunny in Paris today. Anything else?");
			int audioBytes = client.received()
				.stream()
				.filter((event) -> "response.output_audio.delta".equals(event.path("type").stringValue("")))
				.mapToInt((event) -> Base64.getDecoder().decode(event.path("delta").stringValue("")).length)
				.sum();
			assertThat(audioBytes).isEqualTo(TestCascade.spoken("It is sunny in Paris today.", "Anything else?").length);
			assertThat(client.schemaViolations()).isEmpty();
		}
		assertThat(fake.received(Transcription.PATH).size() - transcriptionsBefore).isEqualTo(1);
		assertThat(fake.received).extracting(FakeOpenAiCompatible.Received::authorization)
			.containsOnly("Bearer " + CATALOG_KEY);
		JsonNode chat = fake.received("/chat/completions").getLast().json();
		assertThat(chat.path("model").stringValue()).isEqualTo("fake-chat");
		assertThat(chat.path("messages").get(0).path("content").stringValue()).isEqualTo("Be brief.");
		assertThat(chat.path("messages").get(1).path("content").stringValue()).isEqualTo(FakeOpenAiCompatible.HEARD);
		assertThat(fake.violations).isEmpty();
		// the speech models' usage is metered like the tokens: seconds transcribed, characters of the
		// sentences spoken (the space between them is not spoken)
		Map<String, BigDecimal> metered = this.db
			.sql("SELECT metric, sum(quantity) AS quantity FROM billing.usage_event WHERE session_id = :id GROUP BY metric")
			.bind("id", sessionId)
			.map((row) -> Map.entry(row.get("metric", String.class), row.get("quantity", BigDecimal.class)))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.block(Duration.ofSeconds(10));
		assertThat(metered.get("stt_seconds")).isPositive();
		// each stage's time to start is in the session's latency report
		Map<String, Object> latency = get(as(tenant.adminKey()), "/v1/sessions/" + sessionId + "/latency");
		Map<?, ?> response = (Map<?, ?>) ((List<?>) latency.get("data")).get(0);
		assertThat(response.get("stt_ms")).isInstanceOf(Integer.class);
		assertThat(response.get("llm_first_token_ms")).isInstanceOf(Integer.class);
		assertThat(response.get("tts_first_byte_ms")).isInstanceOf(Integer.class);
		assertThat((Integer) response.get("voice_to_voice_ms")).isGreaterThanOrEqualTo(500);
		assertThat(metered.get("tts_characters"))
			.isEqualByComparingTo(BigDecimal.valueOf("It is sunny in Paris today.".length() + "Anything else?".length()));
	}

	@Test
	void rolloverWhenCarryIsSummaryThenTheChatModelWritesItAndTheNextAnswerReadsIt() {
		Placement placement = newCascadePlacement();
		TestTenant tenant = newTenant();
		Map<String, Object> fields = new HashMap<>(Map.of("model", placement.model(), "region", placement.region(),
				"compute", placement.compute()));
		fields.put("rollover", Map.of("after_seconds", 5, "carry", "summary", "max_carried_tokens", 200));
		String agent = newAgent(tenant.adminKey(), fields);
		URI uri = URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?agent=" + agent);
		int chatsBefore = fake.received("/chat/completions").size();
		String sessionId;
		try (RealtimeTestClient client = RealtimeTestClient.connect(uri, tenant.adminKey())) {
			sessionId = client.await("session.created").path("session").path("id").stringValue();
			for (int i = 0; i < 6; i++) {
				client.send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
						+ "\"content\":[{\"type\":\"input_text\",\"text\":\"Question " + i + ": which train leaves Paris "
						+ "for Lyon earliest on Friday, and how long does the journey take?\"}]}}");
			}
			String textResponse = "{\"type\":\"response.create\",\"response\":{\"output_modalities\":[\"text\"]}}";
			client.send(textResponse);
			client.await("response.done");
			JsonNode completed = client.await((event) -> "duplex.session.rollover".equals(event.path("type").stringValue(""))
					&& "completed".equals(event.path("phase").stringValue("")), Duration.ofSeconds(15));
			client.send(textResponse);
			JsonNode answered = client.awaitAfter(completed, "response.done");
			assertThat(answered.path("response").path("status").stringValue()).isEqualTo("completed");
			// one response before the rollover and one after: nothing of the summary
			assertThat(client.types()).filteredOn("response.created"::equals).hasSize(2);
			assertThat(client.types()).doesNotContain("error");
			assertThat(client.schemaViolations()).isEmpty();
		}
		List<FakeOpenAiCompatible.Received> chats = fake.received("/chat/completions");
		assertThat(chats).hasSize(chatsBefore + 3);
		// the chat model was asked for the summary between the two answers ...
		JsonNode asked = chats.get(chatsBefore + 1).json();
		assertThat(asked.path("messages").get(0).path("content").stringValue()).startsWith("You summarise a conversation");
		assertThat(asked.path("messages").get(1).path("content").stringValue()).startsWith("Question 0:");
		assertThat(asked.path("messages").get(asked.path("messages").size() - 1).path("content").stringValue())
			.isEqualTo("Write the summary of the conversation above now.");
		// ... and the answer after the rollover read it, ahead of the latest items
		JsonNode next = chats.get(chatsBefore + 2).json();
		assertThat(next.path("messages").get(0).path("role").stringValue()).isEqualTo("system");
		assertThat(next.path("messages").get(0).path("content").stringValue())
			.isEqualTo("Summary of the earlier conversation: It is sunny in Paris today. Anything else?");
		assertThat(next.path("messages").get(next.path("messages").size() - 1).path("content").stringValue())
			.isEqualTo("It is sunny in Paris today. Anything else?");
		// what the summary cost is metered for the segment it was written on
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> "ended".equals(get(as(tenant.adminKey()), "/v1/sessions/" + sessionId).get("status")));
		Map<String, BigDecimal> summary = this.db
			.sql("SELECT metric, quantity FROM billing.usage_event WHERE session_id = :id AND segment = 1 "
					+ "AND idempotency_key LIKE :key")
			.bind("id", sessionId)
			.bind("key", sessionId + ":summary_%")
			.map((row) -> Map.entry(row.get("metric", String.class), row.get("quantity", BigDecimal.class)))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.block(Duration.ofSeconds(10));
		assertThat(summary).containsOnlyKeys("input_text_tokens", "cached_input_text_tokens", "output_text_tokens");
		assertThat(summary.get("input_text_tokens")).isEqualByComparingTo("25");
		assertThat(summary.get("cached_input_text_tokens")).isEqualByComparingTo("32");
		assertThat(summary.get("output_text_tokens")).isEqualByComparingTo("13");
	}

	/** Where the test's cascade model runs. */
	private record Placement(String region, String compute, String model) {
	}

	/** A region and pool of their own with a {@code cascade} model, as a platform admin adds them. */
	private Placement newCascadePlacement() {
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String id = "cascade-" + suffix;
		String region = "test-" + suffix;
		String pool = "pool-" + suffix;
		post(asPlatformAdmin(), "/v1/admin/regions", Map.of("id", region, "name", "Test region " + suffix));
		post(asPlatformAdmin(), "/v1/admin/compute", Map.of("region", region, "id", pool, "accelerator", "none", "kind",
				"shared-cpu", "max_concurrent_sessions", 10, "price_per_minute", "0"));
		Map<String, Object> definition = TestModels.definition(id, "cascade", "cascade", "Fake cascade", 3600,
				List.of("alloy"), "1", region, pool);
		// the stages as the catalog names them: where inference runs for this model, with the catalog's key
		for (String stage : List.of("transcription", "chat", "speech")) {
			definition.put(stage, Map.of("base_url", fake.baseUrl(), "model", "fake-" + stage, "api_key", CATALOG_KEY));
		}
		post(asPlatformAdmin(), "/v1/admin/models", definition);
		return new Placement(region, pool, id);
	}

}

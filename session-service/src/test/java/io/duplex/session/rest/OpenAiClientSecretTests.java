package io.duplex.session.rest;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import io.duplex.core.id.Ids;
import io.duplex.session.lifecycle.SessionGrant;
import io.duplex.session.protocol.RealtimeSchema;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenAI's {@code POST /v1/realtime/client_secrets}: request and answer in OpenAI's GA shapes,
 * checked against the official schema, and the agent's {@code session_overrides} enforced.
 */
class OpenAiClientSecretTests extends SessionApiTestSupport {

	private static final String PATH = "/v1/realtime/client_secrets";

	private static @Nullable RealtimeSchema schema;

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void createThenOpenAiShapedSecretAndSessionObjectOfTheAgent() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey(), Map.of("instructions", "Be brief.", "max_output_tokens", 300,
				"tools", List.of(Map.of("name", "lookup", "description", "Finds an order"))));
		long before = Instant.now().getEpochSecond();
		JsonNode answer = create(tenant.adminKey(), Map.of("expires_after", Map.of("anchor", "created_at", "seconds", 300),
				"session", Map.of("type", "realtime", "model", agent)));
		assertThat(schema().validate("RealtimeCreateClientSecretResponse", answer)).isEmpty();
		assertThat(answer.path("value").asString()).matches("ek_[0-9a-z]{48}");
		assertThat(answer.path("expires_at").isIntegralNumber()).isTrue();
		assertThat(answer.path("expires_at").asLong()).isBetween(before + 295, before + 305);
		JsonNode session = answer.path("session");
		String id = session.path("id").asString();
		assertThat(Ids.looksLike("sess", id)).isTrue();
		assertThat(session.path("type").asString()).isEqualTo("realtime");
		assertThat(session.path("object").asString()).isEqualTo("realtime.session");
		assertThat(session.path("model").asString()).isEqualTo(agent);
		assertThat(session.path("instructions").asString()).isEqualTo("Be brief.");
		assertThat(session.path("output_modalities").toString()).isEqualTo("[\"audio\"]");
		assertThat(session.path("max_output_tokens").asInt()).isEqualTo(300);
		assertThat(session.path("tool_choice").asString()).isEqualTo("auto");
		assertThat(session.path("tools").path(0).path("name").asString()).isEqualTo("lookup");
		assertThat(session.path("tools").path(0).path("parameters").path("type").asString()).isEqualTo("object");
		JsonNode audio = session.path("audio");
		assertThat(audio.path("input").path("format").toString()).isEqualTo("{\"type\":\"audio/pcm\",\"rate\":24000}");
		assertThat(audio.path("output").path("format").toString()).isEqualTo("{\"type\":\"audio/pcm\",\"rate\":24000}");
		assertThat(audio.path("output").path("voice").asString()).isEqualTo("alloy");
		assertThat(audio.path("input").path("turn_detection").path("type").asString()).isEqualTo("server_vad");
		assertThat(audio.path("input").path("turn_detection").path("silence_duration_ms").asInt()).isEqualTo(500);
		assertThat(audio.path("input").has("transcription")).isTrue();
		assertThat(session(tenant.adminKey(), id)).containsEntry("status", "created").containsEntry("agent", agent);
		this.sessions.redeemClientSecret(answer.path("value").asString(), null)
			.map(SessionGrant::sessionId)
			.as(StepVerifier::create)
			.expectNext(id)
			.verifyComplete();
	}

	@Test
	void createWithoutExpiresAfterThenTenMinutesAndAgentWithoutTurnDetectionGivesNull() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey(), Map.of("turn_detection", Map.of("type", "none"),
				"input_audio_transcription", Map.of("enabled", false), "output_modalities", List.of("text")));
		long before = Instant.now().getEpochSecond();
		JsonNode answer = create(tenant.adminKey(), Map.of("session", Map.of("type", "realtime", "model", agent)));
		assertThat(schema().validate("RealtimeCreateClientSecretResponse", answer)).isEmpty();
		assertThat(answer.path("expires_at").asLong()).isBetween(before + 595, before + 605);
		JsonNode input = answer.path("session").path("audio").path("input");
		assertThat(input.get("turn_detection").isNull()).isTrue();
		assertThat(input.has("transcription")).isFalse();
		assertThat(answer.path("session").path("output_modalities").toString()).isEqualTo("[\"text\"]");
	}

	@Test
	void createWithFieldsTheAgentFreesThenTheSessionRunsWithThem() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey(),
				Map.of("instructions", "Agent's.", "session_overrides", List.of("instructions", "voice", "tools",
						"tool_choice")));
		Map<String, Object> session = new HashMap<>();
		session.put("type", "realtime");
		session.put("model", agent);
		session.put("instructions", "Client's.");
		session.put("audio", Map.of("output", Map.of("voice", "marin"), "input",
				Map.of("format", Map.of("type", "audio/pcm", "rate", 24000))));
		session.put("tools", List.of(Map.of("type", "function", "name", "book", "parameters",
				Map.of("type", "object", "properties", Map.of()))));
		session.put("tool_choice", Map.of("type", "function", "name", "book"));
		JsonNode answer = create(tenant.adminKey(), Map.of("session", session));
		assertThat(schema().validate("RealtimeCreateClientSecretResponse", answer)).isEmpty();
		assertThat(answer.path("session").path("instructions").asString()).isEqualTo("Client's.");
		assertThat(answer.path("session").path("audio").path("output").path("voice").asString()).isEqualTo("marin");
		assertThat(answer.path("session").path("tool_choice").path("name").asString()).isEqualTo("book");
		this.sessions.redeemClientSecret(answer.path("value").asString(), null).as(StepVerifier::create).assertNext((grant) -> {
			assertThat(grant.agent().config().instructions()).isEqualTo("Client's.");
			assertThat(grant.agent().config().voice()).isEqualTo("marin");
			assertThat(grant.agent().config().tools().get(0).name()).isEqualTo("book");
			assertThat(grant.agent().config().toolChoice().name()).isEqualTo("book");
			assertThat(grant.agent().config().name()).isNotBlank();
		}).verifyComplete();
	}

	@Test
	void createWithFieldsTheAgentLocksThen422NamingEachButRepeatingTheAgentsValuesIsFine() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey(), Map.of("instructions", "Agent's.", "session_overrides",
				List.of("voice")));
		reject(tenant.adminKey(), body(agent, "instructions", "Client's."), "session.instructions");
		reject(tenant.adminKey(), body(agent, "tools", List.of(Map.of("type", "function", "name", "x"))),
				"session.tools");
		reject(tenant.adminKey(), body(agent, "audio", Map.of("input", Map.of("turn_detection", Map.of("type",
				"semantic_vad")))), "session.audio.input.turn_detection");
		reject(tenant.adminKey(), body(agent, "output_modalities", List.of("text")), "session.output_modalities");
		reject(tenant.adminKey(), body(agent, "audio", Map.of("output", Map.of("voice", "nobody"))),
				"session.audio.output.voice");
		reject(tenant.adminKey(), body(agent, "temperature", 0.8), "session.temperature");
		Map<String, Object> repeated = session(agent, "instructions", "Agent's.");
		repeated.put("output_modalities", List.of("audio"));
		repeated.put("tool_choice", "auto");
		Map<String, Object> input = new HashMap<>();
		input.put("format", Map.of("type", "audio/pcm", "rate", 24000));
		input.put("noise_reduction", null);
		repeated.put("audio", Map.of("input", input, "output", Map.of("voice", "verse")));
		JsonNode answer = create(tenant.adminKey(), Map.of("session", repeated));
		assertThat(answer.path("session").path("audio").path("output").path("voice").asString()).isEqualTo("verse");
	}

	@Test
	void createWithMalformedRequestThen422NamingTheField() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Map<String, Object> valid = session(agent, "type", "realtime");
		reject(tenant.adminKey(), Map.of("session", valid, "extra", true), "extra");
		reject(tenant.adminKey(), Map.of(), "session");
		reject(tenant.adminKey(), Map.of("session", session(agent, "type", "transcription")), "session.type");
		reject(tenant.adminKey(), Map.of("session", Map.of("type", "realtime", "model", "gpt-realtime")),
				"session.model");
		reject(tenant.adminKey(), Map.of("session", valid, "expires_after", Map.of("seconds", 5)),
				"expires_after.seconds");
		reject(tenant.adminKey(), Map.of("session", valid, "expires_after", Map.of("seconds", 7201)),
				"expires_after.seconds");
		reject(tenant.adminKey(), Map.of("session", valid, "expires_after", Map.of("anchor", "now")),
				"expires_after.anchor");
		as(newKey(tenant.id(), "viewer")).post()
			.uri(PATH)
			.bodyValue(Map.of("session", valid))
			.exchange()
			.expectStatus()
			.isForbidden();
		as(newTenant().adminKey()).post()
			.uri(PATH)
			.bodyValue(Map.of("session", valid))
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.post().uri(PATH).bodyValue(Map.of("session", valid)).exchange().expectStatus().isUnauthorized();
	}

	/**
	 * OpenAI's schemas, from the copy of the official OpenAPI subset among the test resources, or
	 * wherever the protocol tests find theirs.
	 */
	private static synchronized RealtimeSchema schema() {
		if (schema == null) {
			URL resource = OpenAiClientSecretTests.class.getResource("/" + RealtimeSchema.DOCUMENT);
			try {
				schema = (resource != null && "file".equals(resource.getProtocol()))
						? RealtimeSchema.load(Path.of(resource.toURI())) : RealtimeSchema.get();
			}
			catch (URISyntaxException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return schema;
	}

	private JsonNode create(String key, Map<String, ?> body) {
		String answer = as(key).post()
			.uri(PATH)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		return this.json.readTree(answer);
	}

	private void reject(String key, Map<String, ?> body, String field) {
		as(key).post()
			.uri(PATH)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "validation-failed")
			.jsonPath("$.param")
			.isEqualTo(field);
	}

	/** A client secret request whose session has {@code field} set to {@code value}. */
	private static Map<String, Object> body(String agent, String field, Object value) {
		return Map.of("session", session(agent, field, value));
	}

	/** A session configuration of the agent with {@code field} set to {@code value}. */
	private static Map<String, Object> session(String agent, String field, Object value) {
		Map<String, Object> session = new HashMap<>();
		session.put("type", "realtime");
		session.put("model", agent);
		session.put(field, value);
		return session;
	}

}

package io.duplex.api.directory;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import io.duplex.api.ApiTestSupport;
import io.duplex.core.agent.AgentConfig;
import io.duplex.core.agent.AgentDirectory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The typed configuration other modules read ({@link AgentDirectory}) is the one the API answers,
 * defaults included, also for a version stored without a section.
 */
class AgentConfigPortTests extends ApiTestSupport {

	@Autowired
	private AgentDirectory agents;

	@Autowired
	private DatabaseClient db;

	@Autowired
	private JsonMapper json;

	@Test
	void findWhenVersionStoredWithoutRolloverThenApiAndPortHoldTheModelsDefaults() {
		String model = shortModel();
		TestTenant tenant = newTenant();
		String id = createAgent(tenant.adminKey(), Map.of("name", "Old", "model", model, "rollover",
				Map.of("after_seconds", 60, "carry", "summary", "max_carried_tokens", 100)));
		// a version written without a rollover policy: version 2 is version 1 less its rollover
		this.db.sql("INSERT INTO control.agent_version (agent_id, tenant_id, version, config, created_at, created_by) "
				+ "SELECT agent_id, tenant_id, 2, config - 'rollover', created_at, created_by "
				+ "FROM control.agent_version WHERE tenant_id = :tenantId AND agent_id = :agentId AND version = 1")
			.bind("tenantId", tenant.id())
			.bind("agentId", id)
			.then()
			.then(this.db.sql("UPDATE control.agent SET version = 2 WHERE tenant_id = :tenantId AND id = :agentId")
				.bind("tenantId", tenant.id())
				.bind("agentId", id)
				.then())
			.block();
		// 300 s sessions and a 4000-token window: 30 s before the cap, and the window rather than 8000
		AgentConfig.Rollover expected = new AgentConfig.Rollover(270, "full", 4000);
		assertThat(AgentConfig.Rollover.defaults(300, 4000)).isEqualTo(expected);
		JsonNode answer = agentAnswer(tenant.adminKey(), id);
		assertThat(answer.path("version").asInt()).isEqualTo(2);
		assertThat(answer.path("rollover")).isEqualTo(this.json.readTree(
				"{\"after_seconds\": 270, \"carry\": \"full\", \"max_carried_tokens\": 4000}"));
		assertThat(this.agents.find(tenant.id(), id, null).block().config().rollover()).isEqualTo(expected);
		assertThat(this.agents.find(tenant.id(), id, 1).block().config().rollover())
			.isEqualTo(new AgentConfig.Rollover(60, "summary", 100));
	}

	@Test
	void findWhenEverySectionSetThenPortHoldsWhatTheApiAnswers() {
		TestTenant tenant = newTenant();
		Map<String, Object> body = new HashMap<>();
		body.put("name", "Desk");
		body.put("voice", "verse");
		body.put("instructions", "Be brief.");
		body.put("tools", List.of(Map.of("name", "book", "description", "Books a table.", "parameters",
				Map.of("type", "object", "properties", Map.of("day", Map.of("type", "string"))))));
		body.put("tool_choice", Map.of("type", "function", "name", "book"));
		body.put("turn_detection", Map.of("type", "semantic_vad", "eagerness", "low", "create_response", false));
		body.put("input_audio_transcription", Map.of("model", "whisper-1", "language", "pt-BR"));
		body.put("output_modalities", List.of("text"));
		body.put("max_output_tokens", 512);
		body.put("memory", Map.of("continue_conversations", false));
		body.put("session_overrides", List.of("instructions", "voice"));
		body.put("metadata", Map.of("team", "support"));
		String id = createAgent(tenant.adminKey(), body);
		JsonNode answer = agentAnswer(tenant.adminKey(), id);
		AgentConfig config = this.agents.find(tenant.id(), id, null).block().config();
		assertThat(List.of(config.name(), config.model(), config.voice(), config.instructions(), config.region(),
				config.compute()))
			.containsExactly(answer.path("name").asString(), answer.path("model").asString(),
					answer.path("voice").asString(), answer.path("instructions").asString(),
					answer.path("region").asString(), answer.path("compute").asString());
		assertThat(config.tools()).hasSize(1);
		assertThat(config.tools().get(0).toJson()).isEqualTo(answer.path("tools").get(0));
		assertThat(config.toolChoice().toJson()).isEqualTo(answer.path("tool_choice"));
		assertThat(config.turnDetection().toJson()).isEqualTo(answer.path("turn_detection"));
		assertThat(config.inputAudioTranscription())
			.isEqualTo(new AgentConfig.InputAudioTranscription(true, "whisper-1", "pt-BR"));
		assertThat(config.outputModalities()).containsExactly("text");
		assertThat(config.maxOutputTokens()).isEqualTo(512);
		assertThat(config.memory()).isEqualTo(new AgentConfig.Memory(false));
		assertThat(config.sessionOverrides()).containsExactly("instructions", "voice");
		assertThat(config.metadata()).containsExactly(Map.entry("team", "support"));
		assertThat(config.rollover()).isEqualTo(new AgentConfig.Rollover(
				answer.path("rollover").path("after_seconds").asInt(), answer.path("rollover").path("carry").asString(),
				answer.path("rollover").path("max_carried_tokens").asInt()));
	}

	/** A catalog model whose limits make its rollover defaults differ from the plain ones. */
	private String shortModel() {
		String id = "short-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Object> model = new HashMap<>();
		model.put("id", id);
		model.put("provider", "cascade");
		model.put("kind", "cascade");
		model.put("display_name", "Short sessions");
		model.put("context_window", 4000);
		model.put("max_session_seconds", 300);
		model.put("input_audio_tokens_per_second", 10);
		model.put("output_audio_tokens_per_second", 20);
		model.put("modalities", List.of("text", "audio"));
		model.put("voices", List.of("verse"));
		model.put("regions", List.of("us-east"));
		model.put("compute", List.of("cpu-standard"));
		model.put("transcription", Map.of("base_url", "http://127.0.0.1:8000/v1", "model", "whisper-small"));
		model.put("chat", Map.of("base_url", "http://127.0.0.1:8001/v1", "model", "llama-3.1-8b"));
		model.put("speech", Map.of("base_url", "http://127.0.0.1:8002/v1", "model", "tts-1"));
		Map<String, Object> prices = new HashMap<>();
		for (String kind : List.of("text_input", "text_cached_input", "text_output", "audio_input",
				"audio_cached_input", "audio_output")) {
			prices.put(kind, BigDecimal.ONE.toPlainString());
		}
		model.put("price_per_million_tokens", prices);
		asPlatformAdmin().post().uri("/v1/admin/models").bodyValue(model).exchange().expectStatus().isCreated();
		return id;
	}

	private String createAgent(String key, Map<String, ?> body) {
		return this.json.readTree(as(key).post()
			.uri("/v1/agents")
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody()).path("id").asString();
	}

	private JsonNode agentAnswer(String key, String id) {
		return this.json.readTree(as(key).get()
			.uri("/v1/agents/{id}", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody());
	}

}

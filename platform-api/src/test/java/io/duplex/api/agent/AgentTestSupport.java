package io.duplex.api.agent;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.duplex.api.ApiTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** Helpers the agent tests share: make an agent, read one, list ids, expect a validation problem. */
abstract class AgentTestSupport extends ApiTestSupport {

	static final String VALIDATION_FAILED = "https://duplex.dev/problems/validation-failed";

	/** Creates an agent with {@code key}; returns the answer. */
	@SuppressWarnings("unchecked")
	Map<String, Object> create(String key, Map<String, ?> body) {
		return as(key).post()
			.uri("/v1/agents")
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	@SuppressWarnings("unchecked")
	Map<String, Object> get(String key, String uri) {
		return as(key).get()
			.uri(uri)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	/** Ids of the first page of the tenant's agents. */
	List<Object> ids(String key) {
		return ((List<?>) get(key, "/v1/agents?limit=100").get("data")).stream()
			.<Object>map((agent) -> ((Map<?, ?>) agent).get("id"))
			.toList();
	}

	/** Adds a model without audio to the catalog (as a platform admin); returns its id. */
	String createTextOnlyModel() {
		String id = "text-only-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Object> model = new HashMap<>();
		model.put("id", id);
		model.put("provider", "cascade");
		model.put("kind", "cascade");
		model.put("display_name", "Text only");
		model.put("context_window", 8000);
		model.put("max_session_seconds", 600);
		model.put("input_audio_tokens_per_second", 10);
		model.put("output_audio_tokens_per_second", 20);
		model.put("modalities", List.of("text"));
		model.put("regions", List.of("us-east"));
		model.put("compute", List.of("cpu-standard"));
		model.put("chat", Map.of("base_url", "http://127.0.0.1:8001/v1", "model", "text-only"));
		Map<String, String> prices = new HashMap<>();
		for (String kind : List.of("text_input", "text_cached_input", "text_output", "audio_input",
				"audio_cached_input", "audio_output")) {
			prices.put(kind, "0.1");
		}
		model.put("price_per_million_tokens", prices);
		asPlatformAdmin().post().uri("/v1/admin/models").bodyValue(model).exchange().expectStatus().isCreated();
		return id;
	}

	/** PATCHes {@code patch} and expects a 422 naming {@code field}. */
	void rejectPatch(String key, String id, Map<String, ?> patch, String field) {
		as(key).patch()
			.uri("/v1/agents/{id}", id)
			.bodyValue(patch)
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(VALIDATION_FAILED)
			.jsonPath("$.param")
			.isEqualTo(field);
		assertThat(field).isNotBlank();
	}

}

package io.duplex.api.agent;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.duplex.api.ApiTestSupport;
import io.duplex.test.RestApi;

import static org.assertj.core.api.Assertions.assertThat;

/** Helpers the agent tests share: make an agent, read one, list ids, expect a validation problem. */
abstract class AgentTestSupport extends ApiTestSupport {

	static final String VALIDATION_FAILED = RestApi.PROBLEMS + "validation-failed";

	/** Creates an agent with {@code key}; returns the answer. */
	Map<String, Object> create(String key, Map<String, ?> body) {
		return post(as(key), "/v1/agents", body);
	}

	Map<String, Object> get(String key, String uri) {
		return get(as(key), uri);
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
		RestApi.problem(as(key).patch().uri("/v1/agents/{id}", id).bodyValue(patch).exchange(), 422, "validation-failed")
			.jsonPath("$.param")
			.isEqualTo(field);
		assertThat(field).isNotBlank();
	}

}

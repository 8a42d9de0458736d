package io.duplex.api.agent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec;

import static io.duplex.api.agent.AgentToolValidationTests.tool;
import static org.assertj.core.api.Assertions.assertThat;

/** PATCH as a JSON merge patch, and the immutable versions every change leaves behind. */
class AgentVersionApiTests extends AgentTestSupport {

	@Test
	void patchThenEachChangeIsANewVersionAndOldVersionsKeepTheirValues() {
		TestTenant tenant = newTenant();
		String id = (String) create(tenant.adminKey(), Map.of("name", "Concierge", "instructions", "v1")).get("id");
		patch(tenant.adminKey(), id, Map.of("instructions", "v2")).expectBody().jsonPath("$.version").isEqualTo(2);
		patch(tenant.adminKey(), id, Map.of("instructions", "v3", "voice", "sage")).expectBody()
			.jsonPath("$.version").isEqualTo(3)
			.jsonPath("$.name").isEqualTo("Concierge")
			.jsonPath("$.voice").isEqualTo("sage");
		Map<String, Object> page = get(tenant.adminKey(), "/v1/agents/" + id + "/versions");
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> versions = (List<Map<String, Object>>) page.get("data");
		assertThat(versions).extracting((version) -> version.get("version")).containsExactly(3, 2, 1);
		assertThat(versions).extracting((version) -> version.get("instructions"))
			.containsExactly("v3", "v2", "v1");
		Map<String, Object> first = get(tenant.adminKey(), "/v1/agents/" + id + "/versions/1");
		assertThat(first).containsEntry("object", "agent.version")
			.containsEntry("agent_id", id)
			.containsEntry("version", 1)
			.containsEntry("instructions", "v1")
			.containsEntry("voice", "alloy")
			.containsKey("created_at")
			.containsKey("created_by");
		assertThat(get(tenant.adminKey(), "/v1/agents/" + id)).containsEntry("version", 3)
			.containsEntry("instructions", "v3");
	}

	@Test
	void patchWhenSeveralArriveAtOnceThenEachGetsItsOwnVersion() throws Exception {
		TestTenant tenant = newTenant();
		String id = (String) create(tenant.adminKey(), Map.of("name", "Popular")).get("id");
		ExecutorService pool = Executors.newFixedThreadPool(5);
		try {
			List<Future<?>> patches = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				String instructions = "writer " + i;
				patches.add(pool.submit(() -> patch(tenant.adminKey(), id, Map.of("instructions", instructions))));
			}
			for (Future<?> patch : patches) {
				patch.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		List<Object> versions = ((List<?>) get(tenant.adminKey(), "/v1/agents/" + id + "/versions").get("data"))
			.stream()
			.<Object>map((version) -> ((Map<?, ?>) version).get("version"))
			.toList();
		assertThat(versions).containsExactly(6, 5, 4, 3, 2, 1);
	}

	@Test
	void patchWhenRejectedThenNoNewVersionAndNothingChanges() {
		TestTenant tenant = newTenant();
		Map<String, Object> created = create(tenant.adminKey(), Map.of("name", "Steady"));
		String id = (String) created.get("id");
		rejectPatch(tenant.adminKey(), id, Map.of("instructions", "changed", "model", "gpt-9-ultra"), "model");
		rejectPatch(tenant.adminKey(), id, Map.of("turn_detection", Map.of("threshold", 2)), "turn_detection.threshold");
		rejectPatch(tenant.adminKey(), id, Map.of("verison", 7), "verison");
		assertThat(get(tenant.adminKey(), "/v1/agents/" + id)).isEqualTo(created);
		assertThat((List<?>) get(tenant.adminKey(), "/v1/agents/" + id + "/versions").get("data")).hasSize(1);
	}

	@Test
	void patchWhenNullThenTheFieldsDefaultIsBack() {
		TestTenant tenant = newTenant();
		Map<String, Object> body = Map.of("name", "Tuned", "voice", "echo", "max_output_tokens", 200, "turn_detection",
				Map.of("threshold", 0.8, "silence_duration_ms", 900), "metadata", Map.of("a", "1", "b", "2"));
		String id = (String) create(tenant.adminKey(), body).get("id");
		Map<String, Object> patch = new HashMap<>();
		patch.put("voice", null);
		patch.put("max_output_tokens", null);
		patch.put("turn_detection", Collections.singletonMap("threshold", null));
		patch.put("metadata", Collections.singletonMap("a", null));
		patch(tenant.adminKey(), id, patch).expectBody()
			.jsonPath("$.voice").isEqualTo("alloy")
			.jsonPath("$.max_output_tokens").isEmpty()
			.jsonPath("$.turn_detection.threshold").isEqualTo(0.5)
			.jsonPath("$.turn_detection.silence_duration_ms").isEqualTo(900)
			.jsonPath("$.metadata").isEqualTo(Map.of("b", "2"));
	}

	@Test
	void patchWhenNestedObjectGivenThenItMergesAndArraysAreReplaced() {
		TestTenant tenant = newTenant();
		String id = (String) create(tenant.adminKey(), Map.of("name", "Merger", "session_overrides",
				List.of("voice", "instructions"), "rollover", Map.of("after_seconds", 600))).get("id");
		patch(tenant.adminKey(), id,
				Map.of("rollover", Map.of("carry", "summary"), "session_overrides", List.of("tools")))
			.expectBody()
			.jsonPath("$.rollover")
			.isEqualTo(Map.of("after_seconds", 600, "carry", "summary", "max_carried_tokens", 8000))
			.jsonPath("$.session_overrides").isEqualTo(List.of("tools"));
	}

	@Test
	void patchWhenTurnDetectionTypeChangesThenTheOldTypesFieldsAreDropped() {
		TestTenant tenant = newTenant();
		String id = (String) create(tenant.adminKey(), Map.of("name", "Switcher")).get("id");
		patch(tenant.adminKey(), id, Map.of("turn_detection", Map.of("type", "semantic_vad", "eagerness", "low")))
			.expectBody()
			.jsonPath("$.turn_detection")
			.isEqualTo(Map.of("type", "semantic_vad", "eagerness", "low", "create_response", true,
					"interrupt_response", true));
	}

	@Test
	void patchWhenModelChangesThenItsPoolIsChosenOnlyIfComputeIsReset() {
		TestTenant tenant = newTenant();
		String id = (String) create(tenant.adminKey(), Map.of("name", "Upgrade")).get("id");
		rejectPatch(tenant.adminKey(), id, Map.of("model", "gpt-realtime"), "compute");
		Map<String, Object> patch = new HashMap<>();
		patch.put("model", "gpt-realtime");
		patch.put("compute", null);
		patch(tenant.adminKey(), id, patch).expectBody()
			.jsonPath("$.model").isEqualTo("gpt-realtime")
			.jsonPath("$.compute").isEqualTo("openai-hosted")
			.jsonPath("$.version").isEqualTo(2);
	}

	@Test
	void patchWhenToolChoiceLosesItsToolThenValidationProblemNamesToolChoice() {
		TestTenant tenant = newTenant();
		String id = (String) create(tenant.adminKey(), Map.of("name", "Caller", "tools",
				List.of(tool("transfer", Map.of("type", "object"))), "tool_choice", "required")).get("id");
		rejectPatch(tenant.adminKey(), id, Map.of("tools", List.of()), "tool_choice");
		patch(tenant.adminKey(), id, Map.of("tool_choice", Map.of("type", "function", "name", "transfer")))
			.expectBody()
			.jsonPath("$.tool_choice.name").isEqualTo("transfer");
	}

	@Test
	void patchWhenNothingChangesThenNoNewVersion() {
		TestTenant tenant = newTenant();
		Map<String, Object> parameters = Map.of("type", "object", "properties",
				Map.of("count", Map.of("type", "integer", "minimum", 1, "maximum", 2.5)));
		Map<String, Object> created = create(tenant.adminKey(), Map.of("name", "Idle", "tools",
				List.of(tool("count_up", parameters)), "turn_detection", Map.of("threshold", 0.65)));
		String id = (String) created.get("id");
		patch(tenant.adminKey(), id, Map.of("name", "Idle", "voice", "alloy", "tools", created.get("tools")))
			.expectBody()
			.jsonPath("$.version").isEqualTo(1);
		assertThat(get(tenant.adminKey(), "/v1/agents/" + id)).isEqualTo(created);
	}

	@Test
	void patchWhenSentAsMergePatchJsonThenAccepted() {
		TestTenant tenant = newTenant();
		String id = (String) create(tenant.adminKey(), Map.of("name", "Typed")).get("id");
		as(tenant.adminKey()).patch()
			.uri("/v1/agents/{id}", id)
			.contentType(MediaType.parseMediaType("application/merge-patch+json"))
			.bodyValue("{\"name\": \"Typed again\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.name").isEqualTo("Typed again");
	}

	@Test
	void patchWhenBodyIsNotAnObjectThenValidationProblem() {
		TestTenant tenant = newTenant();
		String id = (String) create(tenant.adminKey(), Map.of("name", "Strict")).get("id");
		as(tenant.adminKey()).patch()
			.uri("/v1/agents/{id}", id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("[\"name\"]")
			.exchange()
			.expectStatus()
			.isEqualTo(422);
	}

	@Test
	void versionsPageNewestFirstAndUnknownVersionIsNotFound() {
		TestTenant tenant = newTenant();
		String id = (String) create(tenant.adminKey(), Map.of("name", "Busy")).get("id");
		for (int i = 2; i <= 5; i++) {
			patch(tenant.adminKey(), id, Map.of("instructions", "revision " + i)).expectStatus().isOk();
		}
		List<Object> seen = new ArrayList<>();
		String cursor = null;
		boolean more = true;
		while (more) {
			String after = cursor;
			Map<?, ?> page = as(tenant.adminKey()).get()
				.uri((uri) -> uri.path("/v1/agents/{id}/versions").queryParam("limit", 2)
					.queryParamIfPresent("after", Optional.ofNullable(after)).build(id))
				.exchange()
				.expectBody(Map.class)
				.returnResult()
				.getResponseBody();
			((List<?>) page.get("data")).forEach((version) -> seen.add(((Map<?, ?>) version).get("version")));
			more = (Boolean) page.get("has_more");
			cursor = (String) page.get("last_id");
		}
		assertThat(seen).containsExactly(5, 4, 3, 2, 1);
		as(tenant.adminKey()).get().uri("/v1/agents/{id}/versions/6", id).exchange().expectStatus().isNotFound();
		as(tenant.adminKey()).get().uri("/v1/agents/{id}/versions/0", id).exchange().expectStatus().isNotFound();
	}

	private ResponseSpec patch(String key, String id,
			Map<String, ?> patch) {
		return as(key).patch().uri("/v1/agents/{id}", id).bodyValue(patch).exchange().expectStatus().isOk();
	}

}

package io.duplex.api.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Creating, reading, listing and deleting agents, and who may do which. */
class AgentApiTests extends AgentTestSupport {

	@Test
	void createWhenOnlyNameGivenThenEveryDefaultIsFilledIn() {
		TestTenant tenant = newTenant();
		as(tenant.adminKey()).post()
			.uri("/v1/agents")
			.bodyValue(Map.of("name", "Front desk"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueMatches("Location", ".*/v1/agents/agt_[0-9A-Z]{26}")
			.expectBody()
			.jsonPath("$.object").isEqualTo("agent")
			.jsonPath("$.version").isEqualTo(1)
			.jsonPath("$.created_at").exists()
			.jsonPath("$.updated_at").exists()
			.jsonPath("$.name").isEqualTo("Front desk")
			.jsonPath("$.model").isEqualTo("sandbox")
			.jsonPath("$.voice").isEqualTo("alloy")
			.jsonPath("$.instructions").isEqualTo("")
			.jsonPath("$.tools").isEmpty()
			.jsonPath("$.tool_choice").isEqualTo("auto")
			.jsonPath("$.turn_detection")
			.isEqualTo(Map.of("type", "server_vad", "threshold", 0.5, "prefix_padding_ms", 300,
					"silence_duration_ms", 500, "create_response", true, "interrupt_response", true))
			.jsonPath("$.input_audio_transcription.enabled").isEqualTo(true)
			.jsonPath("$.input_audio_transcription.model").isEmpty()
			.jsonPath("$.input_audio_transcription.language").isEmpty()
			.jsonPath("$.output_modalities").isEqualTo(List.of("audio"))
			.jsonPath("$.max_output_tokens").isEmpty()
			.jsonPath("$.region").isEqualTo("us-east")
			.jsonPath("$.compute").isEqualTo("cpu-standard")
			.jsonPath("$.rollover").isEqualTo(Map.of("after_seconds", 900, "carry", "full", "max_carried_tokens", 8000))
			.jsonPath("$.memory.continue_conversations").isEqualTo(true)
			.jsonPath("$.session_overrides").isEmpty()
			.jsonPath("$.metadata").isEmpty();
	}

	@Test
	void createWhenEveryFieldGivenThenStoredAsGivenAndAudited() {
		TestTenant tenant = newTenant();
		Map<String, Object> tool = Map.of("type", "function", "name", "lookup_order", "description", "Finds an order",
				"parameters", Map.of("type", "object", "properties", Map.of("order_id", Map.of("type", "string")),
						"required", List.of("order_id")));
		Map<String, Object> body = Map.ofEntries(Map.entry("name", "Orders"), Map.entry("model", "gpt-realtime"),
				Map.entry("voice", "marin"), Map.entry("instructions", "Be brief."), Map.entry("tools", List.of(tool)),
				Map.entry("tool_choice", Map.of("type", "function", "name", "lookup_order")),
				Map.entry("turn_detection", Map.of("type", "semantic_vad", "eagerness", "high")),
				Map.entry("input_audio_transcription", Map.of("model", "gpt-4o-transcribe", "language", "pt-BR")),
				Map.entry("output_modalities", List.of("text")), Map.entry("max_output_tokens", 1024),
				Map.entry("region", "eu-central"),
				Map.entry("rollover", Map.of("after_seconds", 5, "carry", "summary", "max_carried_tokens", 2000)),
				Map.entry("memory", Map.of("continue_conversations", false)),
				Map.entry("session_overrides", List.of("instructions", "voice")),
				Map.entry("metadata", Map.of("team", "sales")));
		Map<String, Object> created = create(tenant.adminKey(), body);
		assertThat(created.get("compute")).isEqualTo("openai-hosted");
		assertThat(created.get("tools")).isEqualTo(List.of(tool));
		assertThat(created.get("tool_choice")).isEqualTo(Map.of("type", "function", "name", "lookup_order"));
		assertThat(created.get("turn_detection")).isEqualTo(
				Map.of("type", "semantic_vad", "eagerness", "high", "create_response", true, "interrupt_response", true));
		assertThat(created.get("rollover"))
			.isEqualTo(Map.of("after_seconds", 5, "carry", "summary", "max_carried_tokens", 2000));
		for (Map.Entry<String, Object> field : body.entrySet()) {
			if (!field.getKey().equals("turn_detection") && !field.getKey().equals("input_audio_transcription")) {
				assertThat(created.get(field.getKey())).as(field.getKey()).isEqualTo(field.getValue());
			}
		}
		Map<String, Object> fetched = get(tenant.adminKey(), "/v1/agents/" + created.get("id"));
		assertThat(fetched).isEqualTo(created);
		as(tenant.adminKey()).get()
			.uri("/v1/audit?resource_id={id}", created.get("id"))
			.exchange()
			.expectBody()
			.jsonPath("$.data[0].action").isEqualTo("agent.created")
			.jsonPath("$.data[0].tenant_id").isEqualTo(tenant.id());
	}

	@Test
	void listPagesThroughTheTenantsAgentsNewestFirstWithoutRepeats() {
		TestTenant tenant = newTenant();
		List<String> made = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			made.add((String) create(tenant.adminKey(), Map.of("name", "Agent " + i)).get("id"));
		}
		List<String> seen = new ArrayList<>();
		String cursor = null;
		int pages = 0;
		boolean more = true;
		while (more) {
			String after = cursor;
			Map<?, ?> page = as(tenant.adminKey()).get()
				.uri((uri) -> uri.path("/v1/agents").queryParam("limit", 2).queryParamIfPresent("after",
						Optional.ofNullable(after)).build())
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(Map.class)
				.returnResult()
				.getResponseBody();
			List<?> data = (List<?>) page.get("data");
			assertThat(data).hasSizeLessThanOrEqualTo(2);
			data.forEach((agent) -> seen.add((String) ((Map<?, ?>) agent).get("id")));
			more = (Boolean) page.get("has_more");
			cursor = (String) page.get("last_id");
			pages++;
		}
		assertThat(pages).isEqualTo(3);
		assertThat(seen).containsExactlyElementsOf(made.reversed());
	}

	@Test
	void deleteThenGetAnswersNotFoundAndTheAgentIsGoneFromTheList() {
		TestTenant tenant = newTenant();
		String kept = (String) create(tenant.adminKey(), Map.of("name", "Kept")).get("id");
		String id = (String) create(tenant.adminKey(), Map.of("name", "Doomed")).get("id");
		as(tenant.adminKey()).delete()
			.uri("/v1/agents/{id}", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id").isEqualTo(id)
			.jsonPath("$.deleted").isEqualTo(true);
		as(tenant.adminKey()).get().uri("/v1/agents/{id}", id).exchange().expectStatus().isNotFound();
		as(tenant.adminKey()).get().uri("/v1/agents/{id}/versions/1", id).exchange().expectStatus().isNotFound();
		as(tenant.adminKey()).patch()
			.uri("/v1/agents/{id}", id)
			.bodyValue(Map.of("name", "Revived"))
			.exchange()
			.expectStatus()
			.isNotFound();
		as(tenant.adminKey()).delete().uri("/v1/agents/{id}", id).exchange().expectStatus().isNotFound();
		assertThat(ids(tenant.adminKey())).containsExactly(kept);
	}

	@Test
	void viewerAndFinanceReadButCannotWrite() {
		TestTenant tenant = newTenant();
		String id = (String) create(tenant.adminKey(), Map.of("name", "Read me")).get("id");
		for (String role : List.of("viewer", "finance")) {
			String key = newKey(tenant.id(), role);
			assertThat(get(key, "/v1/agents/" + id)).containsEntry("name", "Read me");
			assertThat(ids(key)).containsExactly(id);
			as(key).get().uri("/v1/agents/{id}/versions", id).exchange().expectStatus().isOk();
			as(key).post()
				.uri("/v1/agents")
				.bodyValue(Map.of("name", "Nope"))
				.exchange()
				.expectStatus()
				.isForbidden()
				.expectBody()
				.jsonPath("$.type").isEqualTo("https://duplex.dev/problems/forbidden");
			as(key).patch()
				.uri("/v1/agents/{id}", id)
				.bodyValue(Map.of("name", "Nope"))
				.exchange()
				.expectStatus()
				.isForbidden();
			as(key).delete().uri("/v1/agents/{id}", id).exchange().expectStatus().isForbidden();
		}
		assertThat(get(tenant.adminKey(), "/v1/agents/" + id)).containsEntry("version", 1)
			.containsEntry("name", "Read me");
	}

	@Test
	void developerWrites() {
		TestTenant tenant = newTenant();
		String key = newKey(tenant.id(), "developer");
		String id = (String) create(key, Map.of("name", "Built by a developer")).get("id");
		as(key).patch()
			.uri("/v1/agents/{id}", id)
			.bodyValue(Map.of("instructions", "Hi"))
			.exchange()
			.expectStatus()
			.isOk();
		as(key).delete().uri("/v1/agents/{id}", id).exchange().expectStatus().isOk();
	}

	@Test
	void platformAdminIsRefusedBecauseAgentsLiveInATenant() {
		asPlatformAdmin().post()
			.uri("/v1/agents")
			.bodyValue(Map.of("name", "Whose?"))
			.exchange()
			.expectStatus()
			.isForbidden();
		asPlatformAdmin().get().uri("/v1/agents").exchange().expectStatus().isForbidden();
	}

	@Test
	void otherTenantGetsNotFoundForEveryVerbAndTheAgentIsUnchanged() {
		TestTenant owner = newTenant();
		TestTenant intruder = newTenant();
		Map<String, Object> agent = create(owner.adminKey(), Map.of("name", "Private"));
		String id = (String) agent.get("id");
		as(intruder.adminKey()).get().uri("/v1/agents/{id}", id).exchange().expectStatus().isNotFound();
		as(intruder.adminKey()).get().uri("/v1/agents/{id}/versions", id).exchange().expectStatus().isNotFound();
		as(intruder.adminKey()).get().uri("/v1/agents/{id}/versions/1", id).exchange().expectStatus().isNotFound();
		as(intruder.adminKey()).patch()
			.uri("/v1/agents/{id}", id)
			.bodyValue(Map.of("name", "Mine now"))
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://duplex.dev/problems/not-found");
		as(intruder.adminKey()).delete().uri("/v1/agents/{id}", id).exchange().expectStatus().isNotFound();
		assertThat(ids(intruder.adminKey())).isEmpty();
		assertThat(get(owner.adminKey(), "/v1/agents/" + id)).isEqualTo(agent);
		assertThat((List<?>) get(owner.adminKey(), "/v1/agents/" + id + "/versions").get("data")).hasSize(1);
	}

	@Test
	@SuppressWarnings("unchecked")
	void openApiDocumentDescribesTheAgentAndCatalogEndpoints() {
		Map<String, Object> document = get(newTenant().adminKey(), "/v3/api-docs");
		Map<String, Object> paths = (Map<String, Object>) document.get("paths");
		assertThat(paths).containsKeys("/v1/agents", "/v1/agents/{id}", "/v1/agents/{id}/versions",
				"/v1/agents/{id}/versions/{version}", "/v1/models", "/v1/models/{id}", "/v1/regions", "/v1/compute",
				"/v1/admin/models/{id}", "/v1/admin/compute/{region}/{id}");
		Map<String, Object> components = (Map<String, Object>) document.get("components");
		Map<String, Object> request = (Map<String, Object>) ((Map<String, Object>) components.get("schemas"))
			.get("AgentRequest");
		assertThat((Map<String, Object>) request.get("properties")).containsKeys("name", "turn_detection",
				"tool_choice", "session_overrides");
	}

}

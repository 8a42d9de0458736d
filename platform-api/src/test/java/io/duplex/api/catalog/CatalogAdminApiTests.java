package io.duplex.api.catalog;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.duplex.api.ApiTestSupport;
import io.duplex.test.RestApi;

import static io.duplex.api.catalog.CatalogApiTests.data;
import static io.duplex.api.catalog.CatalogApiTests.list;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Platform admins edit the catalog. Each test adds entries with ids of its own, so the seeded
 * entries other tests read stay as they are.
 */
class CatalogAdminApiTests extends ApiTestSupport {

	@Test
	void createModelWhenPlatformAdminThenReadableAtOnceAndAudited() {
		String id = uniqueId("model");
		asPlatformAdmin().post()
			.uri("/v1/admin/models")
			.bodyValue(model(id))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueMatches("Location", ".*/v1/models/" + id)
			.expectBody()
			.jsonPath("$.price_per_million_tokens.audio_output")
			.isEqualTo("12.345678");
		Map<String, Object> stored = get(as(newTenant().adminKey()), "/v1/models/" + id);
		assertThat(stored).containsEntry("display_name", "Test model")
			.containsEntry("voices", List.of("verse", "alloy"))
			.containsEntry("imitates", null);
		assertThat(auditActions(id)).containsExactly("model.created");
		Map<String, Object> event = data(get(asPlatformAdmin(), "/v1/audit?resource_id=" + id)).get(0);
		assertThat(event).containsEntry("tenant_id", null).containsEntry("resource_type", "model");
	}

	@Test
	void replaceModelThenNewValuesServedAndChangeAuditedWithBeforeAndAfter() {
		String id = createModel();
		Map<String, Object> replacement = model(id);
		replacement.put("display_name", "Renamed");
		replacement.put("price_per_million_tokens", prices("0.5"));
		asPlatformAdmin().put().uri("/v1/admin/models/{id}", id).bodyValue(replacement).exchange().expectStatus().isOk();
		Map<String, Object> stored = get(asPlatformAdmin(), "/v1/models/" + id);
		assertThat(stored).containsEntry("display_name", "Renamed");
		assertThat(((Map<?, ?>) stored.get("price_per_million_tokens")).get("text_input")).isEqualTo("0.500000");
		Map<String, Object> event = data(get(asPlatformAdmin(), "/v1/audit?action=model.updated&resource_id=" + id))
			.get(0);
		Map<?, ?> details = (Map<?, ?>) event.get("details");
		assertThat(((Map<?, ?>) details.get("before")).get("display_name")).isEqualTo("Test model");
		assertThat(((Map<?, ?>) details.get("after")).get("display_name")).isEqualTo("Renamed");
	}

	@Test
	void deleteModelThenGoneAndAudited() {
		String id = createModel();
		asPlatformAdmin().delete()
			.uri("/v1/admin/models/{id}", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.deleted")
			.isEqualTo(true);
		asPlatformAdmin().get().uri("/v1/models/{id}", id).exchange().expectStatus().isNotFound();
		assertThat(auditActions(id)).containsExactly("model.deleted", "model.created");
	}

	@Test
	void createModelWhenIdExistsThenConflict() {
		asPlatformAdmin().post()
			.uri("/v1/admin/models")
			.bodyValue(model("gpt-realtime"))
			.exchange()
			.expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/catalog-entry-exists");
		assertThat(get(asPlatformAdmin(), "/v1/models/gpt-realtime")).containsEntry("display_name", "GPT Realtime");
	}

	@Test
	void editWhenNotPlatformAdminThenForbiddenAndNothingChanges() {
		TestTenant tenant = newTenant();
		for (String key : List.of(tenant.adminKey(), newKey(tenant.id(), "developer"))) {
			String id = uniqueId("model");
			as(key).post().uri("/v1/admin/models").bodyValue(model(id)).exchange().expectStatus().isForbidden();
			as(key).put()
				.uri("/v1/admin/regions/us-east")
				.bodyValue(Map.of("name", "Mine now"))
				.exchange()
				.expectStatus()
				.isForbidden();
			as(key).delete().uri("/v1/admin/compute/us-east/gpu-l4").exchange().expectStatus().isForbidden();
			asPlatformAdmin().get().uri("/v1/models/{id}", id).exchange().expectStatus().isNotFound();
		}
		assertThat(get(asPlatformAdmin(), "/v1/regions/us-east")).containsEntry("name", "US East (N. Virginia)");
		get(asPlatformAdmin(), "/v1/compute/us-east/gpu-l4");
	}

	@Test
	void regionAndPoolLifecycleThenEachStepServedAndAudited() {
		String region = uniqueId("region");
		asPlatformAdmin().post()
			.uri("/v1/admin/regions")
			.bodyValue(Map.of("id", region, "name", "Test region"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("available");
		asPlatformAdmin().post()
			.uri("/v1/admin/compute")
			.bodyValue(pool(region, "gpu-test", "0.25"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueMatches("Location", ".*/v1/compute/" + region + "/gpu-test");
		assertThat(list(asPlatformAdmin(), "/v1/compute?region=" + region)).singleElement()
			.satisfies((pool) -> assertThat(pool).containsEntry("price_per_minute", "0.250000"));
		Map<String, Object> repriced = pool(region, "gpu-test", "0.3");
		repriced.remove("region");
		repriced.remove("id");
		asPlatformAdmin().put()
			.uri("/v1/admin/compute/{r}/gpu-test", region)
			.bodyValue(repriced)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.price_per_minute")
			.isEqualTo("0.300000");
		asPlatformAdmin().put()
			.uri("/v1/admin/regions/{r}", region)
			.bodyValue(Map.of("name", "Test region", "status", "unavailable"))
			.exchange()
			.expectStatus()
			.isOk();
		asPlatformAdmin().delete()
			.uri("/v1/admin/regions/{r}", region)
			.exchange()
			.expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/catalog-entry-in-use");
		asPlatformAdmin().delete().uri("/v1/admin/compute/{r}/gpu-test", region).exchange().expectStatus().isOk();
		asPlatformAdmin().delete().uri("/v1/admin/regions/{r}", region).exchange().expectStatus().isOk();
		asPlatformAdmin().get().uri("/v1/regions/{r}", region).exchange().expectStatus().isNotFound();
		assertThat(auditActions(region)).containsExactly("region.deleted", "region.updated", "region.created");
		assertThat(auditActions(region + "/gpu-test")).containsExactly("compute_pool.deleted", "compute_pool.updated",
				"compute_pool.created");
	}

	@Test
	void deleteWhenALiveAgentUsesTheEntryThenConflictUntilTheAgentIsDeleted() {
		String id = createModel();
		TestTenant tenant = newTenant();
		String agentId = (String) RestApi.created(as(tenant.adminKey()).post()
			.uri("/v1/agents")
			.bodyValue(Map.of("name", "Uses the model", "model", id))
			.exchange())
			.get("id");
		asPlatformAdmin().delete()
			.uri("/v1/admin/models/{id}", id)
			.exchange()
			.expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/catalog-entry-in-use")
			.jsonPath("$.detail")
			.value(String.class, (detail) -> assertThat(detail).contains("1 live agent"));
		as(tenant.adminKey()).delete().uri("/v1/agents/{id}", agentId).exchange().expectStatus().isOk();
		asPlatformAdmin().delete().uri("/v1/admin/models/{id}", id).exchange().expectStatus().isOk();
	}

	@Test
	void createAgentOnAFreshlyAddedModelThenItsDefaultsApplyAtOnce() {
		String id = uniqueId("model");
		Map<String, Object> model = model(id);
		model.put("regions", List.of("eu-central"));
		asPlatformAdmin().post().uri("/v1/admin/models").bodyValue(model).exchange().expectStatus().isCreated();
		as(newTenant().adminKey()).post()
			.uri("/v1/agents")
			.bodyValue(Map.of("name", "Early adopter", "model", id, "region", "eu-central"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.model")
			.isEqualTo(id)
			.jsonPath("$.voice")
			.isEqualTo("verse")
			.jsonPath("$.compute")
			.isEqualTo("cpu-standard")
			.jsonPath("$.rollover.after_seconds")
			.isEqualTo(570);
	}

	static String uniqueId(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** A cascade model on shared CPU in every seeded region, with a 600 s session limit and local endpoints. */
	static Map<String, Object> model(String id) {
		Map<String, Object> model = new HashMap<>();
		model.put("id", id);
		model.put("provider", "cascade");
		model.put("kind", "cascade");
		model.put("display_name", "Test model");
		model.put("context_window", 16000);
		model.put("max_session_seconds", 600);
		model.put("input_audio_tokens_per_second", 10);
		model.put("output_audio_tokens_per_second", 20);
		model.put("modalities", List.of("text", "audio"));
		model.put("voices", List.of("verse", "alloy"));
		model.put("regions", List.of("us-east", "eu-central", "ap-south"));
		model.put("compute", List.of("cpu-standard"));
		model.put("transcription", Map.of("base_url", "http://127.0.0.1:8000/v1", "model", "whisper-small"));
		model.put("chat", Map.of("base_url", "http://127.0.0.1:8001/v1", "model", "llama-3.1-8b"));
		model.put("speech", Map.of("base_url", "http://127.0.0.1:8002/v1", "model", "tts-1"));
		Map<String, Object> prices = prices("1.5");
		prices.put("audio_output", "12.345678");
		model.put("price_per_million_tokens", prices);
		return model;
	}

	static Map<String, Object> prices(String each) {
		Map<String, Object> prices = new HashMap<>();
		for (String kind : List.of("text_input", "text_cached_input", "text_output", "audio_input",
				"audio_cached_input", "audio_output")) {
			prices.put(kind, each);
		}
		return prices;
	}

	static Map<String, Object> pool(String region, String id, String price) {
		Map<String, Object> pool = new HashMap<>();
		pool.put("region", region);
		pool.put("id", id);
		pool.put("accelerator", "nvidia-l4");
		pool.put("kind", "gpu");
		pool.put("max_concurrent_sessions", 8);
		pool.put("price_per_minute", price);
		return pool;
	}

	private String createModel() {
		String id = uniqueId("model");
		asPlatformAdmin().post().uri("/v1/admin/models").bodyValue(model(id)).exchange().expectStatus().isCreated();
		return id;
	}

	/** The audit log's actions on one resource, newest first. */
	private List<Object> auditActions(String resourceId) {
		return data(get(asPlatformAdmin(), "/v1/audit?resource_id=" + resourceId)).stream()
			.map((event) -> event.get("action"))
			.toList();
	}

}

package io.duplex.api.catalog;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.api.ApiTestSupport;
import io.duplex.test.RestApi;

import static org.assertj.core.api.Assertions.assertThat;

/** The seeded catalog as every key reads it. */
class CatalogApiTests extends ApiTestSupport {

	@Test
	@SuppressWarnings("unchecked")
	void listModelsThenSeededModelsWithTheirLimitsRatesAndExactPrices() {
		TestTenant tenant = newTenant();
		List<Map<String, Object>> models = list(as(tenant.adminKey()), "/v1/models");
		assertThat(models).extracting((model) -> model.get("id"))
			.contains("sandbox", "gpt-realtime", "gpt-4o-mini-realtime-preview", "llama-3.1-8b-cascade");
		Map<String, Object> realtime = find(models, "gpt-realtime");
		assertThat(realtime).containsEntry("object", "model")
			.containsEntry("provider", "openai")
			.containsEntry("kind", "realtime")
			.containsEntry("context_window", 32000)
			.containsEntry("max_session_seconds", 3600)
			.containsEntry("input_audio_tokens_per_second", 10)
			.containsEntry("output_audio_tokens_per_second", 20)
			.containsEntry("modalities", List.of("text", "audio"))
			.containsEntry("regions", List.of("us-east", "eu-central", "ap-south"))
			.containsEntry("compute", List.of("openai-hosted"));
		assertThat((List<Object>) realtime.get("voices")).startsWith("alloy").contains("marin", "cedar");
		assertThat(realtime.get("price_per_million_tokens")).isEqualTo(Map.of("text_input", "4.000000",
				"text_cached_input", "0.400000", "text_output", "16.000000", "audio_input", "32.000000",
				"audio_cached_input", "0.400000", "audio_output", "64.000000"));
		Map<String, Object> mini = find(models, "gpt-4o-mini-realtime-preview");
		assertThat(mini).containsEntry("context_window", 128000).containsEntry("max_session_seconds", 1800);
		assertThat(mini.get("price_per_million_tokens")).isEqualTo(Map.of("text_input", "0.600000",
				"text_cached_input", "0.300000", "text_output", "2.400000", "audio_input", "10.000000",
				"audio_cached_input", "0.300000", "audio_output", "20.000000"));
	}

	@Test
	@SuppressWarnings("unchecked")
	void getSandboxThenFreeEverywhereOnSharedCpuImitatingGptRealtime() {
		Map<String, Object> sandbox = get(as(newTenant().adminKey()), "/v1/models/sandbox");
		assertThat(sandbox).containsEntry("provider", "sandbox")
			.containsEntry("kind", "sandbox")
			.containsEntry("imitates", "gpt-realtime")
			.containsEntry("context_window", 32000)
			.containsEntry("max_session_seconds", 3600)
			.containsEntry("input_audio_tokens_per_second", 10)
			.containsEntry("output_audio_tokens_per_second", 20)
			.containsEntry("regions", List.of("us-east", "eu-central", "ap-south"))
			.containsEntry("compute", List.of("cpu-standard"));
		assertThat(((Map<String, Object>) sandbox.get("price_per_million_tokens")).values()).containsOnly("0.000000");
	}

	@Test
	@SuppressWarnings("unchecked")
	void getCascadeModelThenOnTheGpuPoolWithSmallNonZeroPrices() {
		Map<String, Object> cascade = get(asPlatformAdmin(), "/v1/models/llama-3.1-8b-cascade");
		assertThat(cascade).containsEntry("provider", "cascade")
			.containsEntry("compute", List.of("gpu-l4"))
			.containsEntry("regions", List.of("us-east", "eu-central"));
		assertThat(((Map<String, Object>) cascade.get("price_per_million_tokens")).values())
			.allSatisfy((price) -> assertThat(new BigDecimal((String) price)).isPositive());
	}

	@Test
	void getModelWhenUnknownThenNotFound() {
		RestApi.problem(as(newTenant().adminKey()).get()
			.uri("/v1/models/{id}", "no-such-model")
			.exchange(), 404, "not-found");
	}

	@Test
	void listRegionsThenSeededRegionsAvailable() {
		Map<String, Object> page = get(as(newKey(newTenant().id(), "viewer")), "/v1/regions");
		assertThat(page).containsEntry("object", "list").containsEntry("has_more", false);
		List<Map<String, Object>> regions = data(page);
		for (String id : List.of("us-east", "eu-central", "ap-south")) {
			assertThat(find(regions, id)).containsEntry("object", "region").containsEntry("status", "available");
		}
		assertThat(find(regions, "eu-central")).containsEntry("name", "EU Central (Frankfurt)");
	}

	@Test
	void listComputeWhenFilteredByRegionThenOnlyThatRegionsPools() {
		String key = newTenant().adminKey();
		List<Map<String, Object>> southAsia = list(as(key), "/v1/compute?region=ap-south");
		assertThat(southAsia).extracting((pool) -> pool.get("id")).containsExactly("cpu-standard", "openai-hosted");
		assertThat(southAsia).allSatisfy((pool) -> assertThat(pool).containsEntry("region", "ap-south"));
		Map<String, Object> gpu = get(as(key), "/v1/compute/us-east/gpu-l4");
		assertThat(gpu).containsEntry("object", "compute_pool")
			.containsEntry("accelerator", "nvidia-l4")
			.containsEntry("kind", "gpu")
			.containsEntry("max_concurrent_sessions", 40)
			.containsEntry("price_per_minute", "0.012000");
		assertThat(get(as(key), "/v1/compute/eu-central/cpu-standard")).containsEntry("kind", "shared-cpu")
			.containsEntry("accelerator", "none")
			.containsEntry("price_per_minute", "0.000000");
		assertThat(get(as(key), "/v1/compute/us-east/openai-hosted")).containsEntry("kind", "provider-hosted");
		List<Map<String, Object>> all = list(as(key), "/v1/compute");
		assertThat(all).filteredOn((pool) -> "cpu-standard".equals(pool.get("id")))
			.extracting((pool) -> pool.get("region"))
			.contains("us-east", "eu-central", "ap-south");
	}

	@Test
	void readCatalogWithoutKeyThenUnauthorized() {
		this.client.get().uri("/v1/models").exchange().expectStatus().isUnauthorized();
	}

	static List<Map<String, Object>> list(WebTestClient client,
			String uri) {
		return data(get(client, uri));
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> data(Map<String, Object> page) {
		return (List<Map<String, Object>>) page.get("data");
	}

	static Map<String, Object> find(List<Map<String, Object>> items, String id) {
		return items.stream()
			.filter((item) -> id.equals(item.get("id")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + id + " in " + items));
	}

}

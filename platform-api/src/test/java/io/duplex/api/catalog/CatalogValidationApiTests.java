package io.duplex.api.catalog;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.duplex.api.ApiTestSupport;

import static io.duplex.api.catalog.CatalogAdminApiTests.model;
import static io.duplex.api.catalog.CatalogAdminApiTests.pool;
import static io.duplex.api.catalog.CatalogAdminApiTests.uniqueId;

/** Invalid admin input is refused with a 422 naming the field, and nothing is stored. */
class CatalogValidationApiTests extends ApiTestSupport {

	@Test
	void createModelWhenIdMalformedThenValidationProblemNamesId() {
		Map<String, Object> model = model("Not An Id");
		rejectModel(model, "id");
	}

	@Test
	void createModelWhenPriceNegativeThenValidationProblemNamesThePrice() {
		Map<String, Object> model = model(uniqueId("model"));
		Map<String, Object> prices = CatalogAdminApiTests.prices("1");
		prices.put("audio_output", "-0.01");
		model.put("price_per_million_tokens", prices);
		rejectModel(model, "price_per_million_tokens.audio_output");
	}

	@Test
	void createModelWhenPriceHasMoreThanSixDecimalsThenValidationProblemInsteadOfRounding() {
		Map<String, Object> model = model(uniqueId("model"));
		Map<String, Object> prices = CatalogAdminApiTests.prices("1");
		prices.put("text_input", 0.0000001);
		model.put("price_per_million_tokens", prices);
		rejectModel(model, "price_per_million_tokens.text_input");
	}

	@Test
	void createModelWhenRegionUnknownThenValidationProblemNamesTheRegionEntry() {
		Map<String, Object> model = model(uniqueId("model"));
		model.put("regions", List.of("us-east", "mars-north"));
		rejectModel(model, "regions[1]");
	}

	@Test
	void createModelWhenComputePoolUnknownThenValidationProblemNamesThePoolEntry() {
		Map<String, Object> model = model(uniqueId("model"));
		model.put("compute", List.of("cpu-standard", "tpu-v9"));
		rejectModel(model, "compute[1]");
	}

	@Test
	void createModelWhenImitatedModelUnknownThenValidationProblemNamesImitates() {
		Map<String, Object> model = model(uniqueId("model"));
		model.put("imitates", "no-such-model");
		rejectModel(model, "imitates");
	}

	@Test
	void createModelWhenModalityUnknownThenValidationProblemNamesIt() {
		Map<String, Object> model = model(uniqueId("model"));
		model.put("modalities", List.of("audio", "video"));
		rejectModel(model, "modalities[1]");
	}

	@Test
	void replaceModelWhenBodyIdDiffersFromPathThenValidationProblemNamesId() {
		asPlatformAdmin().put()
			.uri("/v1/admin/models/{id}", uniqueId("model"))
			.bodyValue(model(uniqueId("other")))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.param")
			.isEqualTo("id");
	}

	@Test
	void createPoolWhenRegionUnknownThenValidationProblemNamesRegion() {
		asPlatformAdmin().post()
			.uri("/v1/admin/compute")
			.bodyValue(pool("mars-north", "gpu-l4", "1"))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/validation-failed")
			.jsonPath("$.param")
			.isEqualTo("region");
	}

	@Test
	void createPoolWhenKindUnknownThenValidationProblemNamesKind() {
		Map<String, Object> pool = pool("us-east", uniqueId("pool"), "1");
		pool.put("kind", "quantum");
		asPlatformAdmin().post()
			.uri("/v1/admin/compute")
			.bodyValue(pool)
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.param")
			.isEqualTo("kind");
	}

	@Test
	void createRegionWhenNameMissingThenValidationProblemNamesName() {
		asPlatformAdmin().post()
			.uri("/v1/admin/regions")
			.bodyValue(Map.of("id", uniqueId("region")))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.param")
			.isEqualTo("name");
	}

	@Test
	void createModelWhenUnknownFieldThenValidationProblemNamesIt() {
		Map<String, Object> model = model(uniqueId("model"));
		model.put("max_sesion_seconds", 60);
		rejectModel(model, "max_sesion_seconds");
	}

	private void rejectModel(Map<String, Object> model, String field) {
		asPlatformAdmin().post()
			.uri("/v1/admin/models")
			.bodyValue(model)
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/validation-failed")
			.jsonPath("$.param")
			.isEqualTo(field);
		if (model.get("id") instanceof String id && CatalogValidator.ID.matcher(id).matches()) {
			asPlatformAdmin().get().uri("/v1/models/{id}", id).exchange().expectStatus().isNotFound();
		}
	}

}

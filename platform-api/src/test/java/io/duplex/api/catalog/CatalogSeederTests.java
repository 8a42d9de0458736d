package io.duplex.api.catalog;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.duplex.api.ApiTestSupport;
import io.duplex.core.catalog.Endpoint;
import io.duplex.core.catalog.ModelCatalog;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static io.duplex.api.catalog.CatalogAdminApiTests.uniqueId;
import static io.duplex.api.catalog.CatalogApiTests.list;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeding against the real database, with catalog files of entries made for each test (the
 * shipped file was seeded when the context started).
 */
class CatalogSeederTests extends ApiTestSupport {

	@Autowired
	private CatalogSeeder seeder;

	@Autowired
	private ModelCatalog catalog;

	@Test
	void seedWhenRunAgainThenAdminEditsAndDeletionsPersistAndNewEntriesAreAdded() {
		String region = uniqueId("region");
		String model = uniqueId("model");
		CatalogFile file = new CatalogFile(List.of(new RegionDefinition(region, "Seeded region", null)),
				List.of(pool(region)), List.of(model(model, region)));
		StepVerifier.create(this.seeder.seed(file)).verifyComplete();
		assertThat(get(asPlatformAdmin(), "/v1/regions/" + region)).containsEntry("name", "Seeded region");
		assertThat(list(asPlatformAdmin(), "/v1/compute?region=" + region)).hasSize(1);
		assertThat(get(asPlatformAdmin(), "/v1/models/" + model)).containsEntry("regions", List.of(region));

		asPlatformAdmin().put()
			.uri("/v1/admin/regions/{id}", region)
			.bodyValue(Map.of("name", "Edited by an admin"))
			.exchange()
			.expectStatus()
			.isOk();
		asPlatformAdmin().delete().uri("/v1/admin/models/{id}", model).exchange().expectStatus().isOk();
		String later = uniqueId("model");
		CatalogFile nextRelease = new CatalogFile(file.regions(), file.compute(),
				List.of(model(model, region), model(later, region)));
		StepVerifier.create(this.seeder.seed(nextRelease)).verifyComplete();

		assertThat(get(asPlatformAdmin(), "/v1/regions/" + region)).containsEntry("name", "Edited by an admin");
		asPlatformAdmin().get().uri("/v1/models/{id}", model).exchange().expectStatus().isNotFound();
		get(asPlatformAdmin(), "/v1/models/" + later);
	}

	@Test
	void seedWhenModelNamesEndpointsThenSessionsFindThemWithoutKeys() {
		String region = uniqueId("region");
		String id = uniqueId("cascade");
		ModelDefinition sandbox = model(id, region);
		ModelDefinition cascade = new ModelDefinition(id, "cascade", "cascade", sandbox.displayName(),
				sandbox.contextWindow(), sandbox.maxSessionSeconds(), sandbox.inputAudioTokensPerSecond(),
				sandbox.outputAudioTokensPerSecond(), sandbox.modalities(), sandbox.voices(), sandbox.regions(),
				sandbox.compute(), sandbox.pricePerMillionTokens(), null, null, null, null, null,
				new ModelDefinition.StageDefinition("http://127.0.0.1:8000/v1/", "whisper", null),
				new ModelDefinition.StageDefinition("http://127.0.0.1:8001/v1", "llama", null),
				new ModelDefinition.StageDefinition("http://127.0.0.1:8002/v1", "tts-1", null),
				Map.of(region + "/cpu-standard", new ModelDefinition.UpstreamDefinition(null, null, null, null, null,
						new ModelDefinition.StageDefinition("http://10.0.0.7:8001/v1", "llama", null), null)));
		CatalogFile file = new CatalogFile(List.of(new RegionDefinition(region, "Seeded region", null)),
				List.of(pool(region)), List.of(cascade));
		StepVerifier.create(this.seeder.seed(file)).verifyComplete();
		this.catalog.findUpstream(id, region, "cpu-standard").as(StepVerifier::create).assertNext((upstream) -> {
			assertThat(upstream.transcription()).isEqualTo(new Endpoint("http://127.0.0.1:8000/v1", "whisper", null, null));
			assertThat(upstream.chat()).isEqualTo(new Endpoint("http://10.0.0.7:8001/v1", "llama", null, null));
			assertThat(upstream.speech()).isEqualTo(new Endpoint("http://127.0.0.1:8002/v1", "tts-1", null, null));
		}).verifyComplete();
	}

	@Test
	void seedWhenTwoNodesStartTogetherThenBothSucceedAndEachEntryExistsOnce() {
		String region = uniqueId("region");
		CatalogFile file = new CatalogFile(List.of(new RegionDefinition(region, "Raced region", null)),
				List.of(pool(region)), List.of(model(uniqueId("model"), region)));
		StepVerifier.create(Mono.when(this.seeder.seed(file), this.seeder.seed(file))).verifyComplete();
		assertThat(list(asPlatformAdmin(), "/v1/regions")).filteredOn((entry) -> region.equals(entry.get("id")))
			.hasSize(1);
		assertThat(list(asPlatformAdmin(), "/v1/compute?region=" + region)).hasSize(1);
	}

	@Test
	void seedWhenFileUnsoundThenFailsWithoutTouchingTheDatabase() {
		String region = uniqueId("region");
		CatalogFile file = new CatalogFile(List.of(new RegionDefinition(region, "", null)), List.of(), List.of());
		StepVerifier.create(this.seeder.seed(file))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("regions[0].name"))
			.verify();
		asPlatformAdmin().get().uri("/v1/regions/{id}", region).exchange().expectStatus().isNotFound();
	}

	private static ComputePoolDefinition pool(String region) {
		return new ComputePoolDefinition(region, "cpu-standard", "none", "shared-cpu", 10, BigDecimal.ZERO, null);
	}

	private static ModelDefinition model(String id, String region) {
		BigDecimal price = new BigDecimal("0.1");
		return new ModelDefinition(id, "sandbox", "sandbox", "Seeded model", 32000, 3600, 10, 20,
				List.of("text", "audio"), List.of("alloy"), List.of(region), List.of("cpu-standard"),
				new ModelDefinition.PriceDefinition(price, price, price, price, price, price), null, null, null, null, null,
				null, null, null, null);
	}

}

package io.duplex.api.catalog;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalog shipped in the jar is sound, and an unsound one is caught before seeding. */
class CatalogFileTests {

	@Test
	void loadWhenShippedFileThenSoundWithTheRequiredEntries() {
		CatalogFile file = CatalogFile.load();
		assertThat(file.problems()).isEmpty();
		assertThat(file.regions()).extracting(RegionDefinition::id).contains("us-east", "eu-central", "ap-south");
		for (String region : List.of("us-east", "eu-central", "ap-south")) {
			assertThat(file.compute()).anySatisfy((pool) -> {
				assertThat(pool.region()).isEqualTo(region);
				assertThat(pool.id()).isEqualTo("cpu-standard");
			});
		}
		ModelDefinition realtime = file.models()
			.stream()
			.filter((model) -> "gpt-realtime".equals(model.id()))
			.findFirst()
			.orElseThrow();
		// exact decimal values: the file quotes prices so YAML never reads them as binary floats
		assertThat(realtime.pricePerMillionTokens().audioOutput()).isEqualByComparingTo(new BigDecimal("64.00"));
		assertThat(realtime.toModel("gpt-realtime").prices().textCachedInput()).isEqualTo(new BigDecimal("0.400000"));
	}

	@Test
	void problemsWhenAModelNamesAPoolMissingFromItsRegionThenTheModelIsNamed() {
		CatalogFile shipped = CatalogFile.load();
		ModelDefinition cascade = shipped.models()
			.stream()
			.filter((model) -> "llama-3.1-8b-cascade".equals(model.id()))
			.findFirst()
			.orElseThrow();
		ModelDefinition misplaced = new ModelDefinition(cascade.id(), cascade.provider(), cascade.kind(),
				cascade.displayName(), cascade.contextWindow(), cascade.maxSessionSeconds(),
				cascade.inputAudioTokensPerSecond(), cascade.outputAudioTokensPerSecond(), cascade.modalities(),
				cascade.voices(), List.of("ap-south"), cascade.compute(), cascade.pricePerMillionTokens(), null);
		CatalogFile broken = new CatalogFile(shipped.regions(), shipped.compute(), List.of(misplaced));
		assertThat(broken.problems()).singleElement()
			.satisfies((problem) -> assertThat(problem.field()).isEqualTo("models[0].regions"));
	}

	@Test
	void problemsWhenAPoolIsInAnUnknownRegionThenThePoolIsNamed() {
		ComputePoolDefinition pool = new ComputePoolDefinition("mars-north", "cpu-standard", "none", "shared-cpu", 1,
				BigDecimal.ZERO, null);
		CatalogFile broken = new CatalogFile(List.of(), List.of(pool), List.of());
		assertThat(broken.problems()).extracting((problem) -> problem.field()).containsExactly("compute[0].region");
	}

}

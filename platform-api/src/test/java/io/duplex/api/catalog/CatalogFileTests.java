package io.duplex.api.catalog;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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
				cascade.voices(), List.of("ap-south"), cascade.compute(), cascade.pricePerMillionTokens(), null, null, null,
				null, null, cascade.transcription(), cascade.chat(), cascade.speech(), null);
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

	@Test
	void problemsWhenAModelCarriesAnApiKeyThenNamedSinceKeysDoNotBelongInTheJar() {
		CatalogFile shipped = CatalogFile.load();
		ModelDefinition cascade = shipped.models()
			.stream()
			.filter((model) -> "llama-3.1-8b-cascade".equals(model.id()))
			.findFirst()
			.orElseThrow();
		ModelDefinition.StageDefinition chat = new ModelDefinition.StageDefinition(cascade.chat().baseUrl(),
				cascade.chat().model(), "sk-in-the-jar");
		ModelDefinition keyed = new ModelDefinition(cascade.id(), cascade.provider(), cascade.kind(),
				cascade.displayName(), cascade.contextWindow(), cascade.maxSessionSeconds(),
				cascade.inputAudioTokensPerSecond(), cascade.outputAudioTokensPerSecond(), cascade.modalities(),
				cascade.voices(), cascade.regions(), cascade.compute(), cascade.pricePerMillionTokens(), null, null, null,
				null, null, cascade.transcription(), chat, cascade.speech(), null);
		CatalogFile broken = new CatalogFile(shipped.regions(), shipped.compute(), List.of(keyed));
		assertThat(broken.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.field()).isEqualTo("models[0].chat.api_key");
			assertThat(problem.message()).doesNotContain("sk-in-the-jar");
		});
	}

	@Test
	void loadThenTheSeededCascadeModelNamesItsLocalStackAndTheOpenAiModelsNoEndpoint() {
		CatalogFile shipped = CatalogFile.load();
		ModelDefinition cascade = shipped.models()
			.stream()
			.filter((model) -> "llama-3.1-8b-cascade".equals(model.id()))
			.findFirst()
			.orElseThrow();
		assertThat(CatalogFile.endpoints(cascade)).extracting(ModelEndpoint::stage, ModelEndpoint::baseUrl, ModelEndpoint::model)
			.containsExactly(tuple("transcription", "http://127.0.0.1:8000/v1", "Systran/faster-whisper-small"),
					tuple("chat", "http://127.0.0.1:8001/v1", "meta-llama/Llama-3.1-8B-Instruct"),
					tuple("speech", "http://127.0.0.1:8002/v1", "tts-1"));
		// the openai models keep using the provider's configuration
		assertThat(shipped.models()).filteredOn((model) -> "openai".equals(model.provider()))
			.isNotEmpty()
			.allSatisfy((model) -> assertThat(CatalogFile.endpoints(model)).isEmpty());
	}

}

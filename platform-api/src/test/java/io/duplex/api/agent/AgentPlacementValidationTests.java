package io.duplex.api.agent;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rules that check an agent against the catalog, and the simple fields; each broken rule answers
 * 422 naming the field, and nothing is stored.
 */
class AgentPlacementValidationTests extends AgentTestSupport {

	private TestTenant tenant;

	@BeforeEach
	void newTenantPerTest() {
		this.tenant = newTenant();
	}

	@Test
	void createWhenNameMissingThenValidationProblemNamesName() {
		Map<String, Object> body = agent();
		body.remove("name");
		reject(body, "name");
	}

	@Test
	void createWhenNameTooLongThenValidationProblemNamesName() {
		reject(agent("name", "n".repeat(129)), "name");
	}

	@Test
	void createWhenModelUnknownThenValidationProblemNamesModel() {
		reject(agent("model", "gpt-9-ultra"), "model");
	}

	@Test
	void createWhenRegionUnknownThenValidationProblemNamesRegion() {
		reject(agent("region", "mars-north"), "region");
	}

	@Test
	void createWhenModelNotOfferedInRegionThenValidationProblemNamesRegion() {
		Map<String, Object> body = agent("model", "llama-3.1-8b-cascade");
		body.put("region", "ap-south");
		reject(body, "region");
	}

	@Test
	void createWhenComputePoolNotInRegionThenValidationProblemNamesCompute() {
		Map<String, Object> body = agent("region", "ap-south");
		body.put("compute", "gpu-l4");
		reject(body, "compute");
	}

	@Test
	void createWhenModelDoesNotRunOnComputePoolThenValidationProblemNamesCompute() {
		reject(agent("compute", "gpu-l4"), "compute");
	}

	@Test
	void createWhenVoiceNotOneOfTheModelsThenValidationProblemNamesVoice() {
		Map<String, Object> body = agent("model", "gpt-4o-mini-realtime-preview");
		body.put("voice", "marin");
		reject(body, "voice");
	}

	@Test
	void createWhenOutputModalitiesBothThenValidationProblemNamesThem() {
		reject(agent("output_modalities", List.of("audio", "text")), "output_modalities");
	}

	@Test
	void createWhenModelCannotSpeakButAudioOutputAskedThenValidationProblemNamesOutputModalities() {
		String model = createTextOnlyModel();
		reject(agent("model", model), "output_modalities");
		Map<String, Object> text = agent("model", model);
		text.put("output_modalities", List.of("text"));
		assertThat(create(this.tenant.adminKey(), text)).containsEntry("voice", null);
	}

	@Test
	void createWhenInstructionsTooLongThenValidationProblemNamesInstructions() {
		reject(agent("instructions", "x".repeat(32_769)), "instructions");
	}

	@Test
	void createWhenMaxOutputTokensOutOfRangeThenValidationProblemNamesIt() {
		reject(agent("max_output_tokens", 0), "max_output_tokens");
		reject(agent("max_output_tokens", 4097), "max_output_tokens");
		assertThat(create(this.tenant.adminKey(), agent("max_output_tokens", 4096))).containsEntry("max_output_tokens",
				4096);
	}

	@Test
	void createWhenRolloverTooEarlyThenValidationProblemNamesAfterSeconds() {
		reject(agent("rollover", Map.of("after_seconds", 4)), "rollover.after_seconds");
	}

	@Test
	void createWhenRolloverLaterThanTheModelAllowsThenValidationProblemNamesAfterSeconds() {
		// the sandbox allows 3600 s per upstream session, so 3570 is the latest rollover
		reject(agent("rollover", Map.of("after_seconds", 3571)), "rollover.after_seconds");
		assertThat(create(this.tenant.adminKey(), agent("rollover", Map.of("after_seconds", 3570))).get("rollover"))
			.isEqualTo(Map.of("after_seconds", 3570, "carry", "full", "max_carried_tokens", 8000));
	}

	@Test
	void createWhenRolloverCarryUnknownThenValidationProblemNamesCarry() {
		reject(agent("rollover", Map.of("carry", "half")), "rollover.carry");
	}

	@Test
	void createWhenCarriedTokensExceedContextWindowThenValidationProblemNamesThem() {
		reject(agent("rollover", Map.of("max_carried_tokens", 32_001)), "rollover.max_carried_tokens");
	}

	@Test
	void createWhenSessionOverrideUnknownThenValidationProblemNamesTheEntry() {
		reject(agent("session_overrides", List.of("voice", "temperature")), "session_overrides[1]");
	}

	@Test
	void createWhenTooManyMetadataKeysThenValidationProblemNamesMetadata() {
		Map<String, String> metadata = new HashMap<>();
		for (int i = 0; i < 17; i++) {
			metadata.put("key" + i, "value");
		}
		reject(agent("metadata", metadata), "metadata");
	}

	@Test
	void createWhenMetadataValueTooLongThenValidationProblemNamesTheKey() {
		reject(agent("metadata", Map.of("note", "v".repeat(513))), "metadata.note");
	}

	@Test
	void createWhenTranscriptionLanguageMalformedThenValidationProblemNamesIt() {
		reject(agent("input_audio_transcription", Map.of("language", "English!")), "input_audio_transcription.language");
	}

	@Test
	void createWhenUnknownFieldThenValidationProblemNamesIt() {
		reject(agent("temperature", 0.8), "temperature");
		reject(agent("rollover", Map.of("after_second", 60)), "rollover.after_second");
	}

	@Test
	void createWhenFieldHasTheWrongTypeThenValidationProblemNamesIt() {
		reject(agent("turn_detection", Map.of("threshold", "loud")), "turn_detection.threshold");
	}

	/** A valid body with one field changed. */
	static Map<String, Object> agent(String field, Object value) {
		Map<String, Object> body = agent();
		body.put(field, value);
		return body;
	}

	static Map<String, Object> agent() {
		Map<String, Object> body = new HashMap<>();
		body.put("name", "Support line");
		return body;
	}

	private void reject(Map<String, Object> body, String field) {
		int stored = ids(this.tenant.adminKey()).size();
		as(this.tenant.adminKey()).post()
			.uri("/v1/agents")
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectHeader()
			.contentType("application/problem+json")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(VALIDATION_FAILED)
			.jsonPath("$.param")
			.isEqualTo(field);
		assertThat(ids(this.tenant.adminKey())).as("nothing stored").hasSize(stored);
	}

}

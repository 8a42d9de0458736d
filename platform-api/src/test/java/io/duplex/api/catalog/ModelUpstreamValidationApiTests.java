package io.duplex.api.catalog;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.duplex.api.ApiTestSupport;

import static io.duplex.api.catalog.CatalogAdminApiTests.model;
import static io.duplex.api.catalog.CatalogAdminApiTests.uniqueId;
import static io.duplex.api.catalog.ModelUpstreamApiTests.cascadeModel;
import static io.duplex.api.catalog.ModelUpstreamApiTests.openAiModel;
import static io.duplex.api.catalog.ModelUpstreamApiTests.stage;
import static org.assertj.core.api.Assertions.assertThat;

/** Upstream fields that do not fit are refused with a 422 naming the field, and nothing is stored. */
class ModelUpstreamValidationApiTests extends ApiTestSupport {

	private static final String KEY = "sk-validation-0123456789abcdef";

	@Test
	void createOpenAiModelWhenBaseUrlIsHttpThenRealtimeNeedsWebSocketScheme() {
		Map<String, Object> model = openAiModel(uniqueId("oai"));
		model.put("base_url", "https://api.openai.com/v1/realtime");
		reject(model, "base_url", "must be an absolute ws or wss URL");
	}

	@Test
	void createCascadeModelWhenStageUrlIsWebSocketThenStagesNeedHttpScheme() {
		Map<String, Object> model = cascadeModel(uniqueId("cascade"));
		model.put("chat", stage("ws://llm.internal:8000/v1", "llama", null));
		reject(model, "chat.base_url", "must be an absolute http or https URL");
	}

	@Test
	void createCascadeModelWithAudioWhenStagesMissingThenEachMissingStageNamed() {
		Map<String, Object> model = cascadeModel(uniqueId("cascade"));
		model.remove("transcription");
		model.remove("speech");
		String body = reject(model, "transcription", "is required for a cascade model with audio");
		assertThat(body).contains("\"field\":\"speech\"");
	}

	@Test
	void createCascadeModelWhenChatMissingThenRequiredEvenWithoutAudio() {
		Map<String, Object> model = cascadeModel(uniqueId("cascade"));
		model.put("modalities", List.of("text"));
		model.remove("transcription");
		model.remove("speech");
		model.remove("chat");
		reject(model, "chat", "is required for a cascade model");
	}

	@Test
	void createCascadeModelWhenStageModelMissingThenNamed() {
		Map<String, Object> model = cascadeModel(uniqueId("cascade"));
		model.put("speech", Map.of("base_url", "http://tts.internal/v1"));
		reject(model, "speech.model", "is required");
	}

	@Test
	void createModelWhenStageHasUnknownFieldThenNamed() {
		Map<String, Object> model = cascadeModel(uniqueId("cascade"));
		model.put("chat", Map.of("base_url", "http://llm.internal/v1", "model", "llama", "temperature", 0.2));
		reject(model, "chat.temperature", "is not a known field");
	}

	@Test
	void createModelWhenFieldsOfAnotherProviderThenNamed() {
		Map<String, Object> openai = openAiModel(uniqueId("oai"));
		openai.put("chat", stage("http://llm.internal/v1", "llama", null));
		reject(openai, "chat", "is for cascade models; an openai model sets base_url, api_key, upstream_model");
		Map<String, Object> cascade = cascadeModel(uniqueId("cascade"));
		cascade.put("base_url", "wss://api.openai.com/v1/realtime");
		reject(cascade, "base_url", "is for openai models; a cascade model sets transcription, chat and speech");
		Map<String, Object> sandbox = model(uniqueId("sandbox"));
		sandbox.put("provider", "sandbox");
		sandbox.put("kind", "sandbox");
		sandbox.remove("transcription");
		sandbox.remove("chat");
		sandbox.remove("speech");
		sandbox.put("api_key", KEY);
		reject(sandbox, "api_key", "is not used by sandbox models");
	}

	@Test
	void createOpenAiModelWhenKeyWithoutBaseUrlThenBaseUrlRequired() {
		Map<String, Object> model = openAiModel(uniqueId("oai"));
		model.put("api_key", KEY);
		reject(model, "base_url", "is required");
	}

	@Test
	void createOpenAiModelWhenAzureApiVersionWithoutDeploymentThenUpstreamModelRequired() {
		Map<String, Object> model = openAiModel(uniqueId("oai"));
		model.put("base_url", "wss://my-resource.openai.azure.com/openai/realtime");
		model.put("azure_api_version", "2025-04-01-preview");
		reject(model, "upstream_model", "is required with azure_api_version: it names the Azure deployment");
	}

	@Test
	void createModelWhenBaseUrlCarriesCredentialsOrQueryThenRefused() {
		Map<String, Object> withUser = openAiModel(uniqueId("oai"));
		withUser.put("base_url", "wss://user:" + KEY + "@api.openai.com/v1/realtime");
		String body = reject(withUser, "base_url", "must not carry credentials; send the key as api_key");
		assertThat(body).doesNotContain(KEY);
		Map<String, Object> withQuery = openAiModel(uniqueId("oai"));
		withQuery.put("base_url", "wss://api.openai.com/v1/realtime?model=gpt-realtime");
		reject(withQuery, "base_url", "must not have a query or fragment");
	}

	@Test
	void createModelWhenApiKeyMalformedOrNotAStringThenRefusedWithoutQuotingIt() {
		Map<String, Object> model = openAiModel(uniqueId("oai"));
		model.put("base_url", "wss://api.openai.com/v1/realtime");
		model.put("api_key", "sk-with space-" + KEY);
		String body = reject(model, "api_key", "must be printable ASCII without spaces");
		assertThat(body).doesNotContain(KEY);
		model.put("api_key", 1234567890);
		reject(model, "api_key", "has the wrong type or shape");
		model.put("api_key", KEY);
		model.put("endpoints_by_compute", Map.of("openai-hosted",
				Map.of("base_url", "wss://api.openai.com/v1/realtime", "api_key", true)));
		reject(model, "endpoints_by_compute.openai-hosted.api_key", "has the wrong type or shape");
	}

	@Test
	void createModelWhenOverrideNamesPoolOrRegionTheModelDoesNotListThenNamed() {
		Map<String, Object> unlisted = cascadeModel(uniqueId("cascade"));
		unlisted.put("endpoints_by_compute", Map.of("openai-hosted", Map.of("chat", stage("http://x.internal/v1", "m", null))));
		reject(unlisted, "endpoints_by_compute.openai-hosted", "names a compute pool the model does not list in compute");
		Map<String, Object> otherRegion = cascadeModel(uniqueId("cascade"));
		otherRegion.put("endpoints_by_compute",
				Map.of("ap-south/gpu-l4", Map.of("chat", stage("http://x.internal/v1", "m", null))));
		reject(otherRegion, "endpoints_by_compute.ap-south/gpu-l4", "names a region the model does not list in regions");
	}

	@Test
	void createModelWhenOverrideNamesPoolMissingInThatRegionThenNamed() {
		// the model lists cpu-standard and gpu-l4 in us-east and eu-central; ap-south has cpu-standard only
		Map<String, Object> model = cascadeModel(uniqueId("cascade"));
		model.put("regions", List.of("us-east", "eu-central", "ap-south"));
		model.put("endpoints_by_compute",
				Map.of("ap-south/gpu-l4", Map.of("chat", stage("http://x.internal/v1", "m", null))));
		reject(model, "endpoints_by_compute.ap-south/gpu-l4", "no such compute pool in that region");
	}

	@Test
	void createModelWhenOverrideSetsNothingThenRefused() {
		Map<String, Object> cascade = cascadeModel(uniqueId("cascade"));
		cascade.put("endpoints_by_compute", Map.of("gpu-l4", Map.of()));
		reject(cascade, "endpoints_by_compute.gpu-l4", "must set at least one of transcription, chat, speech");
		Map<String, Object> openai = openAiModel(uniqueId("oai"));
		openai.put("endpoints_by_compute", Map.of("openai-hosted", Map.of("api_key", KEY)));
		reject(openai, "endpoints_by_compute.openai-hosted.base_url", "is required");
	}

	/** POSTs the model, expects 422 with {@code field} first; returns the problem's body. */
	private String reject(Map<String, Object> model, String field, String message) {
		byte[] body = asPlatformAdmin().post()
			.uri("/v1/admin/models")
			.bodyValue(model)
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/validation-failed")
			.jsonPath("$.param")
			.isEqualTo(field)
			.jsonPath("$.errors[0].message")
			.isEqualTo(message)
			.returnResult()
			.getResponseBodyContent();
		asPlatformAdmin().get().uri("/v1/models/{id}", model.get("id")).exchange().expectStatus().isNotFound();
		return new String(body, StandardCharsets.UTF_8);
	}

}

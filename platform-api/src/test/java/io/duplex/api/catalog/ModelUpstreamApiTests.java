package io.duplex.api.catalog;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import io.duplex.api.ApiTestSupport;
import io.duplex.core.catalog.Endpoint;
import io.duplex.core.catalog.ModelCatalog;
import io.duplex.core.catalog.ModelUpstream;
import reactor.test.StepVerifier;

import static io.duplex.api.catalog.CatalogAdminApiTests.model;
import static io.duplex.api.catalog.CatalogAdminApiTests.uniqueId;
import static io.duplex.api.catalog.CatalogApiTests.data;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Models with upstream endpoints: a platform admin writes them with keys, the keys are sealed and
 * never answered, and sessions find the endpoints (keys opened) where they run, a pool's override
 * before the model's own.
 */
class ModelUpstreamApiTests extends ApiTestSupport {

	private static final String OPENAI_KEY = "sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0";

	private static final String POOL_KEY = "sk-pool-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d";

	@Autowired
	private ModelCatalog catalog;

	@Autowired
	private DatabaseClient db;

	@Test
	void createOpenAiModelWithUpstreamThenKeyIsWriteOnlyAndSessionsFindItDecrypted() {
		String id = uniqueId("oai");
		Map<String, Object> model = openAiModel(id);
		model.put("base_url", "wss://api.openai.com/v1/realtime/");
		model.put("api_key", OPENAI_KEY);
		model.put("upstream_model", "gpt-realtime-2025-08-28");
		byte[] created = asPlatformAdmin().post()
			.uri("/v1/admin/models")
			.bodyValue(model)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.base_url")
			.isEqualTo("wss://api.openai.com/v1/realtime")
			.jsonPath("$.upstream_model")
			.isEqualTo("gpt-realtime-2025-08-28")
			.jsonPath("$.api_key_set")
			.isEqualTo(true)
			.jsonPath("$.api_key")
			.doesNotExist()
			.jsonPath("$.endpoints_by_compute")
			.isEmpty()
			.returnResult()
			.getResponseBodyContent();
		assertThat(new String(created, StandardCharsets.UTF_8)).doesNotContain(OPENAI_KEY);

		this.catalog.findUpstream(id, "us-east", "openai-hosted").as(StepVerifier::create).assertNext((upstream) -> {
			assertThat(upstream.realtime()).isEqualTo(
					new Endpoint("wss://api.openai.com/v1/realtime", "gpt-realtime-2025-08-28", OPENAI_KEY, null));
			assertThat(upstream.transcription()).isNull();
			assertThat(upstream.toString()).doesNotContain(OPENAI_KEY);
		}).verifyComplete();

		this.db.sql("SELECT api_key_key_id || ' ' || api_key_sealed AS sealed FROM control.model_endpoint "
				+ "WHERE model_id = :id")
			.bind("id", id)
			.map((row) -> row.get("sealed", String.class))
			.one()
			.as(StepVerifier::create)
			.assertNext((stored) -> assertThat(stored).startsWith(SECRETS_KEY_ID + " ").doesNotContain(OPENAI_KEY))
			.verifyComplete();
	}

	@Test
	void getModelThenOnlyPlatformAdminsSeeUpstreamFieldsAndNobodySeesTheKey() {
		String id = uniqueId("oai");
		Map<String, Object> model = openAiModel(id);
		model.put("base_url", "wss://internal.example.net/v1/realtime");
		model.put("api_key", OPENAI_KEY);
		asPlatformAdmin().post().uri("/v1/admin/models").bodyValue(model).exchange().expectStatus().isCreated();

		Map<String, Object> asTenant = get(as(newTenant().adminKey()), "/v1/models/" + id);
		assertThat(asTenant).doesNotContainKeys("base_url", "api_key_set", "upstream_model", "endpoints_by_compute")
			.containsEntry("provider", "openai");
		Map<String, Object> listedForTenant = CatalogApiTests.find(data(get(as(newTenant().adminKey()), "/v1/models")), id);
		assertThat(listedForTenant).doesNotContainKeys("base_url", "api_key_set");

		Map<String, Object> asAdmin = get(asPlatformAdmin(), "/v1/models/" + id);
		assertThat(asAdmin).containsEntry("base_url", "wss://internal.example.net/v1/realtime")
			.containsEntry("api_key_set", true)
			.doesNotContainKey("api_key");
		Map<String, Object> listedForAdmin = CatalogApiTests.find(data(get(asPlatformAdmin(), "/v1/models")), id);
		assertThat(listedForAdmin).containsEntry("api_key_set", true);
		String all = asPlatformAdmin().get().uri("/v1/models").exchange().expectBody(String.class).returnResult()
			.getResponseBody();
		assertThat(all).doesNotContain(OPENAI_KEY);
	}

	@Test
	void createAzureModelThenDeploymentAndApiVersionReachTheSession() {
		String id = uniqueId("azure");
		Map<String, Object> model = openAiModel(id);
		model.put("base_url", "wss://my-resource.openai.azure.com/openai/realtime");
		model.put("api_key", OPENAI_KEY);
		model.put("upstream_model", "my-gpt-realtime");
		model.put("azure_api_version", "2025-04-01-preview");
		asPlatformAdmin().post().uri("/v1/admin/models").bodyValue(model).exchange().expectStatus().isCreated();
		this.catalog.findUpstream(id, "eu-central", "openai-hosted")
			.map(ModelUpstream::realtime)
			.as(StepVerifier::create)
			.expectNext(new Endpoint("wss://my-resource.openai.azure.com/openai/realtime", "my-gpt-realtime", OPENAI_KEY,
					"2025-04-01-preview"))
			.verifyComplete();
	}

	@Test
	void findUpstreamWhenPoolOverridesThenMostSpecificWinsStageByStage() {
		String id = uniqueId("cascade");
		Map<String, Object> model = cascadeModel(id);
		model.put("endpoints_by_compute", Map.of(
				"gpu-l4", Map.of("chat", stage("http://vllm.gpu.internal:8000/v1", "llama-3.1-8b", POOL_KEY)),
				"eu-central/gpu-l4", Map.of(
						"chat", stage("https://vllm.eu.internal/v1", "llama-3.1-8b-eu", null),
						"speech", stage("https://tts.eu.internal/v1", "tts-eu", null))));
		asPlatformAdmin().post()
			.uri("/v1/admin/models")
			.bodyValue(model)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.chat.api_key_set")
			.isEqualTo(true)
			.jsonPath("$.endpoints_by_compute['gpu-l4'].chat.base_url")
			.isEqualTo("http://vllm.gpu.internal:8000/v1")
			.jsonPath("$.endpoints_by_compute['gpu-l4'].chat.api_key_set")
			.isEqualTo(true)
			.jsonPath("$.endpoints_by_compute['eu-central/gpu-l4'].speech.model")
			.isEqualTo("tts-eu")
			.jsonPath("$.endpoints_by_compute['eu-central/gpu-l4'].transcription")
			.doesNotExist();

		// us-east: the pool-wide override replaces chat only
		this.catalog.findUpstream(id, "us-east", "gpu-l4").as(StepVerifier::create).assertNext((upstream) -> {
			assertThat(upstream.realtime()).isNull();
			assertThat(upstream.transcription())
				.isEqualTo(new Endpoint("http://stt.internal:8000/v1", "whisper-large-v3", null, null));
			assertThat(upstream.chat())
				.isEqualTo(new Endpoint("http://vllm.gpu.internal:8000/v1", "llama-3.1-8b", POOL_KEY, null));
			assertThat(upstream.speech()).isEqualTo(new Endpoint("http://tts.internal:8000/v1", "tts-1", null, null));
		}).verifyComplete();
		// eu-central: the region's own override beats the pool-wide one
		this.catalog.findUpstream(id, "eu-central", "gpu-l4").as(StepVerifier::create).assertNext((upstream) -> {
			assertThat(upstream.transcription())
				.isEqualTo(new Endpoint("http://stt.internal:8000/v1", "whisper-large-v3", null, null));
			assertThat(upstream.chat()).isEqualTo(new Endpoint("https://vllm.eu.internal/v1", "llama-3.1-8b-eu", null, null));
			assertThat(upstream.speech()).isEqualTo(new Endpoint("https://tts.eu.internal/v1", "tts-eu", null, null));
		}).verifyComplete();
		// elsewhere: the model's own, whose chat key opens too
		this.catalog.findUpstream(id, "us-east", "cpu-standard")
			.map(ModelUpstream::chat)
			.as(StepVerifier::create)
			.expectNext(new Endpoint("http://llm.internal:8000/v1", "llama-3.1-8b", OPENAI_KEY, null))
			.verifyComplete();
	}

	@Test
	void findUpstreamWhenCatalogSetsNoneOrModelUnknownThenNone() {
		this.catalog.findUpstream("gpt-realtime", "us-east", "openai-hosted")
			.as(StepVerifier::create)
			.expectNext(ModelUpstream.NONE)
			.verifyComplete();
		this.catalog.findUpstream("sandbox", "us-east", "cpu-standard")
			.as(StepVerifier::create)
			.expectNext(ModelUpstream.NONE)
			.verifyComplete();
		this.catalog.findUpstream("no-such-model", "us-east", "cpu-standard")
			.as(StepVerifier::create)
			.expectNext(ModelUpstream.NONE)
			.verifyComplete();
	}

	@Test
	void replaceModelWithoutApiKeyThenStoredKeyKeptAndEmptyStringRemovesIt() {
		String id = uniqueId("oai");
		Map<String, Object> model = openAiModel(id);
		model.put("base_url", "wss://api.openai.com/v1/realtime");
		model.put("api_key", OPENAI_KEY);
		asPlatformAdmin().post().uri("/v1/admin/models").bodyValue(model).exchange().expectStatus().isCreated();

		model.remove("api_key");
		model.put("display_name", "Renamed");
		model.put("base_url", "wss://api.openai.com/v1/realtime-other-path");
		asPlatformAdmin().put()
			.uri("/v1/admin/models/{id}", id)
			.bodyValue(model)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.api_key_set")
			.isEqualTo(true);
		this.catalog.findUpstream(id, "us-east", "openai-hosted")
			.map((upstream) -> upstream.realtime().apiKey())
			.as(StepVerifier::create)
			.expectNext(OPENAI_KEY)
			.verifyComplete();

		model.put("api_key", "");
		asPlatformAdmin().put()
			.uri("/v1/admin/models/{id}", id)
			.bodyValue(model)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.api_key_set")
			.isEqualTo(false);
		this.catalog.findUpstream(id, "us-east", "openai-hosted")
			.map((upstream) -> upstream.realtime().apiKey() == null)
			.as(StepVerifier::create)
			.expectNext(true)
			.verifyComplete();
	}

	@Test
	void replaceModelWhenEndpointMovesToAnotherHostWithoutItsKeyThenRefusedAndKeyNotSentThere() {
		String id = uniqueId("oai");
		Map<String, Object> model = openAiModel(id);
		model.put("base_url", "wss://api.openai.com/v1/realtime");
		model.put("api_key", OPENAI_KEY);
		asPlatformAdmin().post().uri("/v1/admin/models").bodyValue(model).exchange().expectStatus().isCreated();

		model.remove("api_key");
		model.put("base_url", "wss://somewhere-else.example.com/v1/realtime");
		asPlatformAdmin().put()
			.uri("/v1/admin/models/{id}", id)
			.bodyValue(model)
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.param")
			.isEqualTo("api_key");
		this.catalog.findUpstream(id, "us-east", "openai-hosted")
			.map((upstream) -> upstream.realtime().baseUrl())
			.as(StepVerifier::create)
			.expectNext("wss://api.openai.com/v1/realtime")
			.verifyComplete();
	}

	@Test
	void changesWithKeysThenAuditedWithoutTheKeyButNamingTheFieldWritten() {
		String id = uniqueId("cascade");
		asPlatformAdmin().post().uri("/v1/admin/models").bodyValue(cascadeModel(id)).exchange().expectStatus().isCreated();
		Map<String, Object> model = cascadeModel(id);
		model.put("chat", stage("http://llm.internal:8000/v1", "llama-3.1-8b", POOL_KEY));
		asPlatformAdmin().put().uri("/v1/admin/models/{id}", id).bodyValue(model).exchange().expectStatus().isOk();
		asPlatformAdmin().delete().uri("/v1/admin/models/{id}", id).exchange().expectStatus().isOk();

		String audit = asPlatformAdmin().get()
			.uri("/v1/audit?resource_id={id}", id)
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(audit).contains("model.created", "model.updated", "model.deleted", "\"chat.api_key\"")
			.doesNotContain(OPENAI_KEY)
			.doesNotContain(POOL_KEY);
		List<Map<String, Object>> events = data(get(asPlatformAdmin(), "/v1/audit?action=model.updated&resource_id=" + id));
		assertThat(((Map<?, ?>) events.get(0).get("details")).get("api_keys_written")).isEqualTo(List.of("chat.api_key"));
		this.catalog.findUpstream(id, "us-east", "cpu-standard")
			.as(StepVerifier::create)
			.expectNext(ModelUpstream.NONE)
			.verifyComplete();
	}

	@Test
	void agentsUseANewModelWithUpstreamAtOnce() {
		String id = uniqueId("oai");
		Map<String, Object> model = openAiModel(id);
		model.put("base_url", "wss://api.openai.com/v1/realtime");
		model.put("api_key", OPENAI_KEY);
		asPlatformAdmin().post().uri("/v1/admin/models").bodyValue(model).exchange().expectStatus().isCreated();
		as(newTenant().adminKey()).post()
			.uri("/v1/agents")
			.bodyValue(Map.of("name", "Uses it", "model", id, "region", "us-east", "compute", "openai-hosted"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.model")
			.isEqualTo(id);
	}

	/** An openai model on the seeded hosted pools, without endpoints. */
	static Map<String, Object> openAiModel(String id) {
		Map<String, Object> model = model(id);
		model.put("provider", "openai");
		model.put("kind", "realtime");
		model.remove("transcription");
		model.remove("chat");
		model.remove("speech");
		model.put("compute", List.of("openai-hosted"));
		return model;
	}

	/** A cascade model on shared CPU and the GPU pools, with its own three stages (chat with a key). */
	static Map<String, Object> cascadeModel(String id) {
		Map<String, Object> model = model(id);
		model.put("regions", List.of("us-east", "eu-central"));
		model.put("compute", List.of("cpu-standard", "gpu-l4"));
		model.put("transcription", stage("http://stt.internal:8000/v1", "whisper-large-v3", null));
		model.put("chat", stage("http://llm.internal:8000/v1", "llama-3.1-8b", OPENAI_KEY));
		model.put("speech", stage("http://tts.internal:8000/v1", "tts-1", null));
		return model;
	}

	static Map<String, Object> stage(String baseUrl, String model, String apiKey) {
		Map<String, Object> stage = new HashMap<>();
		stage.put("base_url", baseUrl);
		stage.put("model", model);
		if (apiKey != null) {
			stage.put("api_key", apiKey);
		}
		return stage;
	}

}

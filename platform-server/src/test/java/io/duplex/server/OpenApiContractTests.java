package io.duplex.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.networknt.schema.Schema;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.test.TestDatabase;
import io.duplex.test.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document as a contract: every operation of the served {@code /v3/api-docs} is
 * driven, to success and to the errors it documents, and every answer is checked against the
 * document with networknt's JSON Schema 2020-12 validator (independent of the generator): its
 * status must be documented, its content type too, and a JSON body must validate against the
 * schema documented for that status and type.
 * <p>
 * Three checks keep the document from drifting: an operation of the document that no case here
 * drove to a 2xx fails (so a new endpoint needs a case); a documented 401, 403, 404, 409 or 413
 * that no request here provoked fails (so the document does not promise errors the code cannot
 * give, e.g. 403 on a read every role may call); and each answer that does not validate fails.
 * <p>
 * The document and every answer are written to {@code target/openapi-contract/} for the check
 * from outside the JVM ({@code src/test/openapi/check.mjs}, run in {@code verify}).
 */
@SpringBootTest(classes = DuplexServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "duplex.bootstrap.admin-key=" + TestKeys.PLATFORM_ADMIN, TenantResources.SECRETS_KEY_PROPERTY })
@ContextConfiguration(initializers = TestDatabase.Initializer.class)
@AutoConfigureWebTestClient(timeout = "30s")
class OpenApiContractTests {

	private static final String NOT_A_KEY = "dk_not_a_key";

	private final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private WebTestClient client;

	private ApiContract contract;

	@Test
	void everyOperationAnswersOnlyWhatTheServedDocumentSays() throws IOException {
		this.contract = new ApiContract(this.json, this.client.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody());
		TenantResources a = new TenantResources(this.client);
		TenantResources b = new TenantResources(this.client);
		String tenantKeys = "/v1/tenants/" + a.tenantId + "/api_keys";
		Map<String, String> roles = new LinkedHashMap<>();
		roles.put("tenant_admin", a.adminKey);
		for (String role : List.of("developer", "finance", "viewer")) {
			roles.put(role, a.post(a.adminKey, tenantKeys, Map.of("name", role, "role", role)).get("secret").toString());
		}
		roles.put("platform_admin", TestKeys.PLATFORM_ADMIN);
		String viewer = roles.get("viewer");
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String region = "contract-" + suffix;
		String model = "contract-model-" + suffix;

		// no valid key: 401 on every operation
		for (ApiContract.Operation operation : this.contract.operations()) {
			send(operation.method(), operation.template(), a.fill(operation.template()), NOT_A_KEY, null);
		}
		// every read by every role of a tenant, by the platform admin, and by another tenant (404)
		for (ApiContract.Operation operation : this.contract.operations()) {
			if (operation.method() != HttpMethod.GET) {
				continue;
			}
			String uri = a.fill(operation.template());
			for (String key : roles.values()) {
				send(operation.method(), operation.template(), uri, key, null);
			}
			send(operation.method(), operation.template(), uri, b.adminKey, null);
		}
		// reads in their other shapes: formats, groupings, invalid queries (422) and unknown ids (404)
		LocalDate month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
		String period = "from=" + month + "&to=" + month.plusMonths(1);
		String invoice = "/v1/invoices/" + a.invoiceId;
		get("/v1/invoices/{id}", invoice + "?format=csv", a.adminKey);
		get("/v1/invoices/{id}", invoice + "?format=pdf", a.adminKey);
		for (String query : List.of("?" + period, "?format=csv&" + period, "?format=focus&" + period,
				"?format=xlsx&" + period, "?format=pdf&" + period, "?from=yesterday")) {
			get("/v1/usage/export", "/v1/usage/export" + query, a.adminKey);
		}
		for (String query : List.of("?" + period, "?group_by=model&" + period,
				"?group_by=day,metric,agent,tag:team,estimated&" + period, "?group_by=model,source&" + period,
				"?group_by=nothing&" + period)) {
			get("/v1/usage", "/v1/usage" + query, a.adminKey);
		}
		for (String list : List.of("/v1/agents", "/v1/tenants/" + a.tenantId + "/api_keys", "/v1/invoices",
				"/v1/audit", "/v1/alerts", "/v1/sessions", "/v1/compute", "/v1/agents/" + a.agentId + "/versions",
				"/v1/conversations/" + a.conversationId + "/items", "/v1/sessions/" + a.sessionId + "/transcript")) {
			String template = this.contract.templateOf(list);
			get(template, list + "?limit=0", a.adminKey);
			get(template, list + "?limit=0", TestKeys.PLATFORM_ADMIN);
		}
		get("/v1/tenants", "/v1/tenants?limit=0", TestKeys.PLATFORM_ADMIN);
		get("/v1/admin/api_keys", "/v1/admin/api_keys?limit=0", TestKeys.PLATFORM_ADMIN);
		get("/v1/admin/price-books", "/v1/admin/price-books?limit=0", TestKeys.PLATFORM_ADMIN);
		get("/v1/models/{id}", "/v1/models/" + model, a.adminKey);
		get("/v1/regions/{id}", "/v1/regions/" + region, a.adminKey);
		get("/v1/compute/{region}/{id}", "/v1/compute/us-east/" + region, a.adminKey);
		get("/v1/admin/price-books/{id}", "/v1/admin/price-books/pb_" + suffix, TestKeys.PLATFORM_ADMIN);

		// every change refused: to a viewer (403), to another tenant (404), to a tenant admin on the
		// platform's own resources (403), to the platform admin on a tenant's own (403); none of them
		// changes anything. Bodies valid where a rule is checked before the role.
		Map<String, Object> valid = Map.of("/v1/admin/api_keys", Map.of("name", "refused"), "/v1/tenants",
				Map.of("name", "refused"), "/v1/tenants/{tenantId}/api_keys", Map.of("name", "refused", "role", "viewer"),
				"/v1/sessions", Map.of("agent", a.agentId), "/v1/realtime/client_secrets",
				Map.of("session", Map.of("type", "realtime", "model", a.agentId)));
		for (ApiContract.Operation operation : this.contract.operations()) {
			if (operation.method() == HttpMethod.GET) {
				continue;
			}
			String uri = a.fill(operation.template());
			String body = operation.hasBody() ? this.json.writeValueAsString(valid.getOrDefault(operation.template(), Map.of()))
					: null;
			send(operation.method(), operation.template(), uri, viewer, body);
			if (TenantResources.tenantScoped(operation.template())) {
				send(operation.method(), operation.template(), uri, b.adminKey, body);
			}
			if (operation.template().startsWith("/v1/admin/") || operation.template().startsWith("/v1/tenants")) {
				send(operation.method(), operation.template(), uri, a.adminKey, body);
			}
			else {
				send(operation.method(), operation.template(), uri, TestKeys.PLATFORM_ADMIN, body);
			}
		}
		// every POST: the same Idempotency-Key with another request (409), a keyed body too large (413)
		String large = "{\"name\": \"" + "x".repeat(1_100_000) + "\"}";
		for (ApiContract.Operation operation : this.contract.operations()) {
			if (operation.method() != HttpMethod.POST) {
				continue;
			}
			String uri = a.fill(operation.template());
			String key = "contract-" + UUID.randomUUID();
			send(HttpMethod.POST, "/v1/agents", "/v1/agents", viewer, "{\"a\": 1}", key);
			send(operation.method(), operation.template(), uri, viewer, operation.hasBody() ? "{\"a\": 2}" : null, key);
			send(operation.method(), operation.template(), uri, viewer, large, "contract-" + UUID.randomUUID());
		}

		// every change that succeeds, by a caller allowed to make it; and its invalid bodies
		String admin = TestKeys.PLATFORM_ADMIN;
		change(HttpMethod.POST, "/v1/admin/regions", admin, Map.of("id", region, "name", "Contract region"));
		change(HttpMethod.POST, "/v1/admin/regions", admin, Map.of("id", region, "name", "Contract region"));
		change(HttpMethod.PUT, "/v1/admin/regions/" + region, admin,
				Map.of("name", "Contract region", "status", "available"));
		change(HttpMethod.PUT, "/v1/admin/regions/" + region, admin, Map.of("status", "sometimes"));
		change(HttpMethod.POST, "/v1/admin/compute", admin, pool(region, "gpu-contract", "0.25"));
		change(HttpMethod.PUT, "/v1/admin/compute/" + region + "/gpu-contract", admin,
				pool(region, "gpu-contract", "0.30"));
		change(HttpMethod.PUT, "/v1/admin/compute/" + region + "/gpu-contract", admin,
				pool(region, "gpu-contract", "-1"));
		change(HttpMethod.POST, "/v1/admin/models", admin, model(model, region));
		change(HttpMethod.PUT, "/v1/admin/models/" + model, admin, model(model, region));
		change(HttpMethod.PUT, "/v1/admin/models/" + model, admin, Map.of("kind", "unheard-of"));
		// replacing what does not exist (404)
		change(HttpMethod.PUT, "/v1/admin/models/" + model + "-unknown", admin, model(model + "-unknown", region));
		change(HttpMethod.PUT, "/v1/admin/regions/" + region + "-unknown", admin, Map.of("name", "Unknown"));
		change(HttpMethod.PUT, "/v1/admin/compute/" + region + "/gpu-unknown", admin,
				pool(region, "gpu-unknown", "0.2"));
		Map<String, Object> book = Map.of("name", "Contract", "currency", "USD", "tenant_id", a.tenantId,
				"effective_from", "2201-01-01T00:00:00Z", "prices", List.of(Map.of("model", "sandbox", "metric",
						"session_seconds", "unit", "per_second", "unit_price", "0.001")));
		change(HttpMethod.POST, "/v1/admin/price-books", admin, book);
		change(HttpMethod.POST, "/v1/admin/price-books", admin, book);
		change(HttpMethod.POST, "/v1/admin/secrets/re_encrypt", admin, null);
		String platformKey = id(change(HttpMethod.POST, "/v1/admin/api_keys", admin, Map.of("name", "contract")));
		change(HttpMethod.DELETE, "/v1/admin/api_keys/" + platformKey, admin, null);
		change(HttpMethod.DELETE, "/v1/admin/api_keys/" + platformKey + "x", admin, null);
		String tenant = id(change(HttpMethod.POST, "/v1/tenants", admin, Map.of("name", "contract " + suffix)));
		change(HttpMethod.POST, "/v1/tenants/" + tenant + "/suspend", admin, null);
		change(HttpMethod.POST, "/v1/tenants/" + tenant + "/reactivate", admin, null);
		String spare = id(change(HttpMethod.POST, tenantKeys, a.adminKey, Map.of("name", "spare", "role", "viewer")));
		change(HttpMethod.POST, tenantKeys, a.adminKey, Map.of("name", "spare", "role", "owner"));
		change(HttpMethod.DELETE, tenantKeys + "/" + spare, a.adminKey, null);
		String providerKey = "/v1/tenants/" + a.tenantId + "/provider_keys/" + TenantResources.PROVIDER;
		change(HttpMethod.PUT, providerKey, a.adminKey, Map.of("api_key", "sk-contract-" + suffix));
		change(HttpMethod.PUT, providerKey, a.adminKey, Map.of("api_key", ""));
		change(HttpMethod.DELETE, providerKey, a.adminKey, null);
		change(HttpMethod.DELETE, providerKey, a.adminKey, null);
		change(HttpMethod.POST, "/v1/usage/events", a.adminKey, Map.of("data", List.of(Map.of("idempotency_key",
				"contract-" + suffix, "metric", "output_audio_tokens", "quantity", 10, "occurred_at",
				Instant.now().toString(), "model", "sandbox", "tags", Map.of("team", "contract")))));
		change(HttpMethod.POST, "/v1/usage/events", a.adminKey,
				Map.of("data", List.of(Map.of("metric", "output_audio_tokens"))));
		// one budget per tenant: a second is a conflict (409) until the first is deleted
		Map<String, Object> limit = Map.of("amount", "50", "currency", "USD", "thresholds", List.of(50, 90));
		change(HttpMethod.POST, "/v1/budgets", a.adminKey, limit);
		change(HttpMethod.DELETE, "/v1/budgets/" + a.budgetId, a.adminKey, null);
		String budget = id(change(HttpMethod.POST, "/v1/budgets", a.adminKey, limit));
		change(HttpMethod.POST, "/v1/budgets", a.adminKey, Map.of("amount", "-5", "currency", "USD"));
		change(HttpMethod.DELETE, "/v1/budgets/" + budget, a.adminKey, null);
		String agent = id(change(HttpMethod.POST, "/v1/agents", a.adminKey, Map.of("name", "contract agent")));
		change(HttpMethod.POST, "/v1/agents", a.adminKey, Map.of("name", ""));
		change(HttpMethod.PATCH, "/v1/agents/" + agent, a.adminKey, Map.of("instructions", "Be brief."));
		change(HttpMethod.PATCH, "/v1/agents/" + agent, a.adminKey, Map.of("temperature", 9));
		String session = id(change(HttpMethod.POST, "/v1/sessions", a.adminKey, Map.of("agent", agent)));
		change(HttpMethod.POST, "/v1/sessions", a.adminKey, Map.of("agent", "agt_unknown"));
		change(HttpMethod.POST, "/v1/sessions/" + session + "/end", a.adminKey, null);
		// the contract pool holds two sessions: creating them until one is refused proves the 429
		String pooled = id(change(HttpMethod.POST, "/v1/agents", a.adminKey,
				Map.of("name", "pooled agent", "model", model, "region", region, "compute", "gpu-contract")));
		List<String> held = new ArrayList<>();
		for (int i = 0; i < 3 && !this.contract.answered("POST /v1/sessions", "429"); i++) {
			JsonNode created = change(HttpMethod.POST, "/v1/sessions", a.adminKey, Map.of("agent", pooled));
			if (created.path("id").isString()) {
				held.add(created.path("id").asString());
			}
		}
		assertThat(this.contract.answered("POST /v1/sessions", "429")).as("a session the full pool refused").isTrue();
		held.forEach((id) -> change(HttpMethod.POST, "/v1/sessions/" + id + "/end", a.adminKey, null));
		change(HttpMethod.DELETE, "/v1/agents/" + pooled, a.adminKey, null);
		change(HttpMethod.POST, "/v1/realtime/client_secrets", a.adminKey,
				Map.of("session", Map.of("type", "realtime", "model", agent)));
		change(HttpMethod.POST, "/v1/realtime/client_secrets", a.adminKey,
				Map.of("session", Map.of("type", "transcription", "model", agent)));
		change(HttpMethod.DELETE, "/v1/agents/" + agent, a.adminKey, null);
		change(HttpMethod.DELETE, "/v1/admin/models/" + model, admin, null);
		change(HttpMethod.DELETE, "/v1/admin/compute/" + region + "/gpu-contract", admin, null);
		change(HttpMethod.DELETE, "/v1/admin/regions/" + region, admin, null);
		for (String unknown : List.of("/v1/admin/models/", "/v1/admin/regions/", "/v1/admin/compute/us-east/")) {
			change(HttpMethod.DELETE, unknown + region, admin, null);
		}
		// bodies that are not JSON (400)
		for (ApiContract.Operation operation : this.contract.operations()) {
			if (operation.hasBody()) {
				String key = operation.template().startsWith("/v1/admin/") || operation.template().equals("/v1/tenants")
						? admin : a.adminKey;
				send(operation.method(), operation.template(), a.fill(operation.template()), key, "{not json");
			}
		}

		this.contract.write();
		System.out.println("OpenAPI contract: " + this.contract.operations().size() + " operations, "
				+ this.contract.answers.size() + " answers validated");
		this.contract.failures
			.forEach((answer, problems) -> System.out.println("OpenAPI contract: " + answer + " " + problems));
		System.out.println("OpenAPI contract: undriven " + this.contract.undriven());
		System.out.println("OpenAPI contract: unproven " + this.contract.unproven());
		assertThat(this.contract.undriven()).as("operations of the document no case drove to success").isEmpty();
		assertThat(this.contract.unproven()).as("documented errors no request provoked").isEmpty();
		assertThat(this.contract.failures).as("answers that break the document").isEmpty();
	}

	private void get(String template, String uri, String key) {
		send(HttpMethod.GET, template, uri, key, null);
	}

	private JsonNode change(HttpMethod method, String uri, String key, Object body) {
		String text = (body != null) ? this.json.writeValueAsString(body) : null;
		return this.json.readTree(send(method, this.contract.templateOf(uri), uri, key, text));
	}

	private static String id(JsonNode created) {
		assertThat(created.path("id").isString()).as("an id in " + created).isTrue();
		return created.path("id").asString();
	}

	private static Map<String, Object> pool(String region, String id, String price) {
		Map<String, Object> pool = new HashMap<>();
		pool.put("region", region);
		pool.put("id", id);
		pool.put("accelerator", "nvidia-l4");
		pool.put("kind", "gpu");
		pool.put("max_concurrent_sessions", 2);
		pool.put("price_per_minute", price);
		return pool;
	}

	private static Map<String, Object> model(String id, String region) {
		Map<String, Object> model = new HashMap<>();
		model.put("id", id);
		model.put("provider", "cascade");
		model.put("kind", "cascade");
		model.put("display_name", "Contract model");
		model.put("context_window", 16000);
		model.put("max_session_seconds", 600);
		model.put("input_audio_tokens_per_second", 10);
		model.put("output_audio_tokens_per_second", 20);
		model.put("modalities", List.of("text", "audio"));
		model.put("voices", List.of("verse"));
		model.put("regions", List.of(region));
		model.put("compute", List.of("gpu-contract"));
		model.put("transcription", Map.of("base_url", "http://127.0.0.1:9/v1", "model", "whisper-small"));
		model.put("chat", Map.of("base_url", "http://127.0.0.1:9/v1", "model", "llama-3.1-8b"));
		model.put("speech", Map.of("base_url", "http://127.0.0.1:9/v1", "model", "tts-1"));
		Map<String, Object> prices = new HashMap<>();
		for (String kind : List.of("text_input", "text_cached_input", "text_output", "audio_input",
				"audio_cached_input", "audio_output")) {
			prices.put(kind, "1.5");
		}
		model.put("price_per_million_tokens", prices);
		return model;
	}

	private byte[] send(HttpMethod method, String template, String uri, String key, String body) {
		return send(method, template, uri, key, body, null);
	}

	private byte[] send(HttpMethod method, String template, String uri, String key, String body,
			String idempotencyKey) {
		WebTestClient.RequestBodySpec request = this.client.method(method)
			.uri(uri)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + key);
		if (idempotencyKey != null) {
			request.header("Idempotency-Key", idempotencyKey);
		}
		MediaType type = (method == HttpMethod.PATCH) ? MediaType.valueOf("application/merge-patch+json")
				: MediaType.APPLICATION_JSON;
		WebTestClient.RequestHeadersSpec<?> ready = (body != null)
				? request.contentType(type).bodyValue(body.getBytes(StandardCharsets.UTF_8)) : request;
		EntityExchangeResult<byte[]> result = ready.exchange().expectBody().returnResult();
		MediaType answered = result.getResponseHeaders().getContentType();
		byte[] answer = (result.getResponseBody() != null) ? result.getResponseBody() : new byte[0];
		this.contract.check(method, template, result.getStatus().value(),
				(answered != null) ? answered.getType() + "/" + answered.getSubtype() : null, answer);
		return answer;
	}

}

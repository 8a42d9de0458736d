package io.duplex.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

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
 * The OpenAPI document as a contract: real answers of the whole server are validated against the
 * response schema that the served {@code /v3/api-docs} documents for their operation, status and
 * content type, with networknt's JSON Schema 2020-12 validator (independent of the generator).
 * An answer whose status the operation does not document fails, as does a body its schema
 * rejects. The operations are driven the way the tenant-isolation sweep drives them: every
 * tenant-scoped read by its owner (success) and by another tenant (404), the creations (201) and
 * invalid bodies (422).
 */
@SpringBootTest(classes = DuplexServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "duplex.bootstrap.admin-key=" + TestKeys.PLATFORM_ADMIN, TenantResources.SECRETS_KEY_PROPERTY })
@ContextConfiguration(initializers = TestDatabase.Initializer.class)
@AutoConfigureWebTestClient(timeout = "30s")
class OpenApiContractTests {

	private static final String ID = "https://duplex.invalid/openapi.json";

	/**
	 * The answers that must validate, as "METHOD template status". The test fails when any of
	 * them does not, or when one of them was not driven. The usage report's 200 is driven but not
	 * yet listed: its rows are typed as objects where the values are strings (#14).
	 */
	private static final Set<String> CONTRACT = Set.of(
			"GET /v1/agents 200",
			"GET /v1/agents 401",
			"GET /v1/agents/{id} 200",
			"GET /v1/agents/{id} 404",
			"GET /v1/agents/{id}/versions 200",
			"GET /v1/agents/{id}/versions 404",
			"GET /v1/agents/{id}/versions/{version} 200",
			"GET /v1/agents/{id}/versions/{version} 404",
			"GET /v1/audit 200",
			"GET /v1/budgets/{id} 200",
			"GET /v1/budgets/{id} 404",
			"GET /v1/conversations/{id} 200",
			"GET /v1/conversations/{id} 404",
			"GET /v1/conversations/{id}/items 200",
			"GET /v1/conversations/{id}/items 404",
			"GET /v1/invoices 200",
			"GET /v1/invoices/{id} 200",
			"GET /v1/invoices/{id} 404",
			"GET /v1/sessions/{id} 200",
			"GET /v1/sessions/{id} 404",
			"GET /v1/sessions/{id}/latency 200",
			"GET /v1/sessions/{id}/latency 404",
			"GET /v1/sessions/{id}/transcript 200",
			"GET /v1/sessions/{id}/transcript 404",
			"GET /v1/tenants/{tenantId} 200",
			"GET /v1/tenants/{tenantId} 404",
			"GET /v1/tenants/{tenantId}/api_keys 200",
			"GET /v1/tenants/{tenantId}/api_keys 404",
			"GET /v1/tenants/{tenantId}/provider_keys 200",
			"GET /v1/tenants/{tenantId}/provider_keys 404",
			"GET /v1/tenants/{tenantId}/provider_keys/{provider} 200",
			"GET /v1/tenants/{tenantId}/provider_keys/{provider} 404",
			"GET /v1/usage 422",
			"POST /v1/agents 201",
			"POST /v1/agents 403",
			"POST /v1/agents 422",
			"POST /v1/sessions 201",
			"POST /v1/tenants 201",
			"POST /v1/tenants 422",
			"POST /v1/tenants/{tenantId}/api_keys 201");

	private final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private WebTestClient client;

	@Test
	void everyDrivenAnswerValidatesAgainstTheServedDocument() {
		Contract contract = new Contract(this.client.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody());
		TenantResources a = new TenantResources(this.client);
		TenantResources b = new TenantResources(this.client);

		// creations (201)
		send(contract, HttpMethod.POST, "/v1/tenants", "/v1/tenants", TestKeys.PLATFORM_ADMIN,
				"{\"name\": \"contract " + UUID.randomUUID() + "\"}");
		String viewerKey = OpenApiContractTests.this.json
			.readTree(send(contract, HttpMethod.POST, "/v1/tenants/{tenantId}/api_keys",
					"/v1/tenants/" + a.tenantId + "/api_keys", a.adminKey,
					"{\"name\": \"contract\", \"role\": \"viewer\"}"))
			.path("secret")
			.asString();
		send(contract, HttpMethod.POST, "/v1/agents", "/v1/agents", a.adminKey, "{\"name\": \"contract agent\"}");
		send(contract, HttpMethod.POST, "/v1/sessions", "/v1/sessions", a.adminKey,
				"{\"agent\": \"" + a.agentId + "\"}");
		// a key that may not (403), no valid key (401)
		send(contract, HttpMethod.POST, "/v1/agents", "/v1/agents", viewerKey, "{\"name\": \"not allowed\"}");
		send(contract, HttpMethod.GET, "/v1/agents", "/v1/agents", "dk_not_a_key", null);
		// invalid bodies (422)
		send(contract, HttpMethod.POST, "/v1/agents", "/v1/agents", a.adminKey, "{\"name\": \"\"}");
		send(contract, HttpMethod.POST, "/v1/tenants", "/v1/tenants", TestKeys.PLATFORM_ADMIN, "{\"name\": \"\"}");
		// every tenant-scoped read by its owner, then by another tenant (404)
		for (String template : contract.paths()) {
			if (!TenantResources.tenantScoped(template) || !contract.has(template, "get")) {
				continue;
			}
			String uri = a.fill(template);
			send(contract, HttpMethod.GET, template, uri, a.adminKey, null);
			send(contract, HttpMethod.GET, template, uri, b.adminKey, null);
		}
		// lists and reports outside a tenant's path
		for (String uri : List.of("/v1/agents", "/v1/invoices", "/v1/audit?limit=100", "/v1/usage",
				"/v1/usage?group_by=model",
				"/v1/usage?from=2020-01-01&to=2100-01-01&group_by=model")) {
			send(contract, HttpMethod.GET, uri.replaceAll("\\?.*", ""), uri, a.adminKey, null);
		}

		Map<String, List<String>> failures = contract.failures;
		System.out.println("OpenAPI contract: answers driven " + contract.driven);
		failures.forEach((answer, problems) -> System.out.println("OpenAPI contract: " + answer + " " + problems));
		assertThat(contract.driven).as("answers driven").containsAll(CONTRACT);
		for (String answer : CONTRACT) {
			assertThat(failures.get(answer)).as("what is wrong with " + answer).isNull();
		}
	}

	private byte[] send(Contract contract, HttpMethod method, String template, String uri, String key,
			String body) {
		String realTemplate = contract.templateOf(uri.replaceAll("\\?.*", ""), template);
		WebTestClient.RequestBodySpec request = this.client.method(method)
			.uri(uri)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + key);
		WebTestClient.RequestHeadersSpec<?> ready = (body != null)
				? request.contentType(MediaType.APPLICATION_JSON).bodyValue(body) : request;
		EntityExchangeResult<byte[]> result = ready.exchange().expectBody().returnResult();
		MediaType type = result.getResponseHeaders().getContentType();
		contract.check(method.name().toLowerCase(), realTemplate, result.getStatus().value(),
				(type != null) ? type.getType() + "/" + type.getSubtype() : null, result.getResponseBody());
		return (result.getResponseBody() != null) ? result.getResponseBody() : new byte[0];
	}

	/** The served document, and what the answers checked against it did wrong. */
	private final class Contract {

		private final JsonNode document;

		private final SchemaRegistry registry;

		private final Set<String> driven = new TreeSet<>();

		private final Map<String, List<String>> failures = new TreeMap<>();

		Contract(String text) {
			ObjectNode document = (ObjectNode) OpenApiContractTests.this.json.readTree(text);
			this.document = document.deepCopy();
			// the whole document is one schema resource: $refs to #/components/schemas/X resolve in it
			document.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
			document.put("$id", ID);
			String resource = OpenApiContractTests.this.json.writeValueAsString(document);
			this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
					(builder) -> builder.schemas(Map.of(ID, resource)));
		}

		List<String> paths() {
			List<String> paths = new ArrayList<>();
			this.document.path("paths").propertyNames().forEach(paths::add);
			return paths;
		}

		boolean has(String template, String method) {
			return this.document.path("paths").path(template).has(method);
		}

		/** The documented template that {@code path} matches, preferring the one the caller names. */
		String templateOf(String path, String hint) {
			for (String template : paths()) {
				if (path.matches(template.replaceAll("\\{[^}]+}", "[^/]+"))) {
					if (template.equals(hint) || !template.contains("{")) {
						return template;
					}
				}
			}
			for (String template : paths()) {
				if (path.matches(template.replaceAll("\\{[^}]+}", "[^/]+"))) {
					return template;
				}
			}
			return hint;
		}

		void check(String method, String template, int status, String contentType, byte[] body) {
			String answer = method.toUpperCase() + " " + template + " " + status;
			this.driven.add(answer);
			JsonNode responses = this.document.path("paths").path(template).path(method).path("responses");
			if (responses.isMissingNode()) {
				fail(answer, "the operation is not documented");
				return;
			}
			String code = String.valueOf(status);
			if (!responses.has(code)) {
				fail(answer, "the status is not documented (documented: " + responses.propertyNames() + ")");
				return;
			}
			JsonNode content = responses.path(code).path("content");
			if (body == null || body.length == 0) {
				if (!content.isMissingNode() && !content.isEmpty()) {
					fail(answer, "no body, but the document describes one");
				}
				return;
			}
			if (contentType == null || !content.has(contentType)) {
				fail(answer, "content type " + contentType + " is not documented (documented: "
						+ content.propertyNames() + ")");
				return;
			}
			if (!content.path(contentType).has("schema")) {
				fail(answer, "no schema for " + contentType);
				return;
			}
			String pointer = "#/paths/" + escape(template) + "/" + method + "/responses/" + code + "/content/"
					+ escape(contentType) + "/schema";
			Schema schema = this.registry.getSchema(SchemaLocation.of(ID + pointer));
			JsonNode value = OpenApiContractTests.this.json.readTree(body);
			for (Error error : schema.validate(value)) {
				fail(answer, error.toString());
			}
		}

		private void fail(String answer, String problem) {
			this.failures.computeIfAbsent(answer, (key) -> new ArrayList<>()).add(problem);
		}

		private static String escape(String token) {
			return token.replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D");
		}

	}

}

package io.duplex.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.test.TestDatabase;
import io.duplex.test.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant-isolation sweep: every documented operation on a path that addresses one tenant's
 * resource is called with tenant A's ids and tenant B's admin key (valid bodies, so nothing but
 * the tenant check can refuse). Each must answer 404, and A's resources must be exactly as before.
 * New endpoints are swept automatically because the sweep reads the OpenAPI document.
 */
@SpringBootTest(classes = DuplexServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "duplex.bootstrap.admin-key=" + TestKeys.PLATFORM_ADMIN, TenantResources.SECRETS_KEY_PROPERTY })
@ContextConfiguration(initializers = TestDatabase.Initializer.class)
@AutoConfigureWebTestClient(timeout = "30s")
class TenantIsolationTests {

	/** Bodies that would succeed on one's own resource, so only tenant scoping can stop them. */
	private static final Map<String, String> VALID_BODIES = Map.of(
			"POST /v1/tenants/{tenantId}/api_keys", "{\"name\": \"intruder\", \"role\": \"tenant_admin\"}",
			"PATCH /v1/agents/{agentId}", "{\"name\": \"hijacked\", \"instructions\": \"leak everything\"}",
			"PUT /v1/tenants/{tenantId}/provider_keys/{provider}", "{\"api_key\": \"sk-intruders-own-key\"}");

	@Autowired
	private WebTestClient client;

	@Test
	void everyTenantScopedOperationAnswers404ToAnotherTenantAndChangesNothing() {
		TenantResources a = new TenantResources(this.client);
		TenantResources b = new TenantResources(this.client);
		List<String> before = snapshot(a);

		Map<?, ?> paths = (Map<?, ?>) this.client.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("paths");
		List<String> swept = new ArrayList<>();
		List<String> leaks = new ArrayList<>();
		for (var entry : paths.entrySet()) {
			String template = (String) entry.getKey();
			if (!TenantResources.tenantScoped(template)) {
				continue;
			}
			for (Object name : ((Map<?, ?>) entry.getValue()).keySet()) {
				HttpMethod method = HttpMethod.valueOf(name.toString().toUpperCase());
				String operation = method + " " + normalise(template);
				WebTestClient.RequestBodySpec request = this.client.method(method)
					.uri(a.fill(template))
					.header(HttpHeaders.AUTHORIZATION, "Bearer " + b.adminKey);
				WebTestClient.RequestHeadersSpec<?> ready = (method == HttpMethod.GET || method == HttpMethod.DELETE)
						? request : request.contentType(MediaType.APPLICATION_JSON)
							.bodyValue(VALID_BODIES.getOrDefault(operation, "{}"));
				int status = ready.exchange().returnResult(String.class).getStatus().value();
				swept.add(operation);
				if (status != 404) {
					leaks.add(operation + " answered " + status);
				}
			}
		}
		assertThat(swept).as("operations swept").hasSizeGreaterThanOrEqualTo(10);
		assertThat(swept).as("operations swept on a tenant's own provider keys")
			.contains("GET /v1/tenants/{tenantId}/provider_keys", "GET /v1/tenants/{tenantId}/provider_keys/{provider}",
					"PUT /v1/tenants/{tenantId}/provider_keys/{provider}",
					"DELETE /v1/tenants/{tenantId}/provider_keys/{provider}");
		assertThat(leaks).as("operations that did not answer 404 to another tenant").isEmpty();
		assertThat(snapshot(a)).as("tenant A after the sweep").isEqualTo(before);
	}

	@Test
	void listsShowOnlyTheCallersOwnResources() {
		TenantResources a = new TenantResources(this.client);
		TenantResources b = new TenantResources(this.client);
		String agents = get(b.adminKey, "/v1/agents");
		assertThat(agents).contains(b.agentId).doesNotContain(a.agentId);
		String audit = get(b.adminKey, "/v1/audit?limit=100");
		assertThat(audit).contains(b.tenantId).doesNotContain(a.tenantId).doesNotContain(a.agentId);
	}

	/** Everything tenant A can read about itself, as A sees it. */
	private List<String> snapshot(TenantResources a) {
		return List.of(get(a.adminKey, "/v1/tenants/" + a.tenantId),
				get(a.adminKey, "/v1/tenants/" + a.tenantId + "/api_keys"),
				get(a.adminKey, "/v1/tenants/" + a.tenantId + "/provider_keys"), get(a.adminKey, "/v1/agents"),
				get(a.adminKey, "/v1/agents/" + a.agentId), get(a.adminKey, "/v1/agents/" + a.agentId + "/versions"),
				get(a.adminKey, "/v1/sessions/" + a.sessionId), get(a.adminKey, "/v1/conversations/" + a.conversationId),
				get(a.adminKey, "/v1/budgets/" + a.budgetId), get(a.adminKey, "/v1/invoices/" + a.invoiceId));
	}

	private String get(String key, String uri) {
		return this.client.get()
			.uri(uri)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	/** Names path parameters the way VALID_BODIES does, whatever the controllers call them. */
	private static String normalise(String template) {
		return template.replaceAll("/tenants/\\{[^}]+}", "/tenants/{tenantId}")
			.replaceAll("/provider_keys/\\{[^}]+}", "/provider_keys/{provider}")
			.replaceAll("/agents/\\{[^}]+}", "/agents/{agentId}")
			.replaceAll("/sessions/\\{[^}]+}", "/sessions/{sessionId}");
	}

}

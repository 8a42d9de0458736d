package io.duplex.server;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.test.RestApi;
import io.duplex.test.TestKeys;

/**
 * A fresh tenant with real resources (a tenant admin key, a spare key, its own provider key, an
 * agent with two versions, a session, a budget, a draft invoice) whose ids fill the path
 * templates of the OpenAPI document.
 */
final class TenantResources {

	private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

	/**
	 * The secrets key of contexts that use this fixture, so that it can store the tenant's own
	 * provider key (a server without one refuses to store secrets).
	 */
	static final String SECRETS_KEY_PROPERTY = "duplex.secrets.keys.test=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

	/** The provider the tenant has its own key for. */
	static final String PROVIDER = "openai";

	final String tenantId;

	final String adminKey;

	final String spareKeyId;

	final String agentId;

	final String sessionId;

	final String conversationId;

	final String budgetId;

	final String invoiceId;

	private final WebTestClient client;

	TenantResources(WebTestClient client) {
		this.client = client;
		this.tenantId = RestApi.newTenant(client, Map.of("name", "tenant " + UUID.randomUUID()));
		this.adminKey = RestApi.newKey(client, TestKeys.PLATFORM_ADMIN, this.tenantId, "admin", "tenant_admin")
			.get("secret")
			.toString();
		this.spareKeyId = RestApi.newKey(client, this.adminKey, this.tenantId, "spare", "viewer").get("id").toString();
		this.agentId = RestApi.newAgent(client, this.adminKey, Map.of("name", "agent of " + this.tenantId));
		WebTestClient admin = RestApi.as(client, this.adminKey);
		admin.patch()
			.uri("/v1/agents/{id}", this.agentId)
			.bodyValue(Map.of("instructions", "second version"))
			.exchange()
			.expectStatus()
			.isOk();
		admin.put()
			.uri("/v1/tenants/{id}/provider_keys/{provider}", this.tenantId, PROVIDER)
			.bodyValue(Map.of("api_key", "sk-own-key-of-" + this.tenantId))
			.exchange()
			.expectStatus()
			.isCreated();
		Map<?, ?> session = RestApi.post(admin, "/v1/sessions", Map.of("agent", this.agentId));
		this.sessionId = session.get("id").toString();
		this.conversationId = session.get("conversation").toString();
		this.budgetId = RestApi.post(admin, "/v1/budgets", Map.of("amount", "100", "currency", "USD")).get("id")
			.toString();
		// usage reported through the public endpoint gives the tenant an invoice; this month's stays a
		// draft throughout the test (only months that have ended are finalized)
		admin.post()
			.uri("/v1/usage/events")
			.bodyValue(Map.of("data", List.of(Map.of("idempotency_key", "tenant-resources-1", "metric",
					"output_audio_tokens", "quantity", 1000, "occurred_at", Instant.now().toString(), "model",
					"sandbox"))))
			.exchange()
			.expectStatus()
			.isOk();
		Map<?, ?> invoices = RestApi.get(admin, "/v1/invoices");
		this.invoiceId = ((Map<?, ?>) ((List<?>) invoices.get("data")).get(0)).get("id").toString();
	}

	/** Whether a template addresses one tenant's own resource (rather than the catalog or admin data). */
	static boolean tenantScoped(String template) {
		return template.startsWith("/v1/tenants/{") || template.startsWith("/v1/agents/{")
				|| template.startsWith("/v1/sessions/{") || template.startsWith("/v1/conversations/{")
				|| template.startsWith("/v1/budgets/{") || template.startsWith("/v1/invoices/{");
	}

	String fill(String template) {
		Matcher matcher = PATH_PARAMETER.matcher(template);
		StringBuilder path = new StringBuilder();
		while (matcher.find()) {
			matcher.appendReplacement(path, valueFor(template, template.substring(0, matcher.start())));
		}
		matcher.appendTail(path);
		return path.toString();
	}

	private String valueFor(String template, String before) {
		if (before.endsWith("/admin/api_keys/")) {
			// a platform admin key of its own, never the tests' bootstrap key: the caller may revoke it
			return post(TestKeys.PLATFORM_ADMIN, "/v1/admin/api_keys", Map.of("name", "spare platform admin"))
				.get("id")
				.toString();
		}
		if (before.endsWith("/tenants/")) {
			return this.tenantId;
		}
		if (before.endsWith("/api_keys/")) {
			return this.spareKeyId;
		}
		if (before.endsWith("/agents/")) {
			return this.agentId;
		}
		if (before.endsWith("/sessions/")) {
			return this.sessionId;
		}
		if (before.endsWith("/conversations/")) {
			return this.conversationId;
		}
		if (before.endsWith("/budgets/")) {
			return this.budgetId;
		}
		if (before.endsWith("/invoices/")) {
			return this.invoiceId;
		}
		if (before.endsWith("/provider_keys/")) {
			return PROVIDER;
		}
		if (before.endsWith("/versions/")) {
			return "1";
		}
		if (before.endsWith("/models/")) {
			return "sandbox";
		}
		if (before.endsWith("/regions/") || before.endsWith("/compute/")) {
			return "us-east";
		}
		if (before.endsWith("/price-books/")) {
			// the platform's default price book, seeded by billing's migrations
			return "pb_00000000000000000000000000";
		}
		if (before.matches(".*/compute/[^/]+/$")) {
			return "cpu-standard";
		}
		throw new AssertionError("No value for a path parameter of " + template + ": teach TenantResources");
	}

	Map<?, ?> post(String key, String uri, Map<String, ?> body) {
		return RestApi.post(RestApi.as(this.client, key), uri, body);
	}

}

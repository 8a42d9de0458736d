package io.duplex.server;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.test.TestKeys;

/**
 * A fresh tenant with real resources (a tenant admin key, a spare key, an agent with two
 * versions) whose ids fill the path templates of the OpenAPI document.
 */
final class TenantResources {

	private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

	final String tenantId;

	final String adminKey;

	final String spareKeyId;

	final String agentId;

	final String sessionId;

	final String conversationId;

	private final WebTestClient client;

	TenantResources(WebTestClient client) {
		this.client = client;
		this.tenantId = post(TestKeys.PLATFORM_ADMIN, "/v1/tenants", Map.of("name", "tenant " + UUID.randomUUID()))
			.get("id")
			.toString();
		this.adminKey = post(TestKeys.PLATFORM_ADMIN, "/v1/tenants/" + this.tenantId + "/api_keys",
				Map.of("name", "admin", "role", "tenant_admin"))
			.get("secret")
			.toString();
		this.spareKeyId = post(this.adminKey, "/v1/tenants/" + this.tenantId + "/api_keys",
				Map.of("name", "spare", "role", "viewer"))
			.get("id")
			.toString();
		this.agentId = post(this.adminKey, "/v1/agents", Map.of("name", "agent of " + this.tenantId)).get("id").toString();
		client.patch()
			.uri("/v1/agents/{id}", this.agentId)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + this.adminKey)
			.bodyValue(Map.of("instructions", "second version"))
			.exchange()
			.expectStatus()
			.isOk();
		Map<?, ?> session = post(this.adminKey, "/v1/sessions", Map.of("agent", this.agentId));
		this.sessionId = session.get("id").toString();
		this.conversationId = session.get("conversation").toString();
	}

	/** Whether a template addresses one tenant's own resource (rather than the catalog or admin data). */
	static boolean tenantScoped(String template) {
		return template.startsWith("/v1/tenants/{") || template.startsWith("/v1/agents/{")
				|| template.startsWith("/v1/sessions/{") || template.startsWith("/v1/conversations/{");
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
		return this.client.post()
			.uri(uri)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

}

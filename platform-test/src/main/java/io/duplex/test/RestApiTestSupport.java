package io.duplex.test;

import java.util.Map;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Base of the tests that drive a module's application over HTTP: the context's
 * {@link WebTestClient} and the helpers of {@link RestApi}. Each module's subclass says which application runs
 * ({@code @SpringBootTest}) and adds its own helpers.
 */
public abstract class RestApiTestSupport {

	/** Spring Boot's client of the context's server (unpooled: see {@link UnpooledWebTestClients}). */
	@Autowired
	protected WebTestClient client;

	/** A tenant made for one test, with a tenant admin key. */
	public record TestTenant(String id, String adminKey) {
	}

	/** A client that sends {@code key} as its bearer token. */
	protected WebTestClient as(String key) {
		return RestApi.as(this.client, key);
	}

	protected WebTestClient asPlatformAdmin() {
		return as(TestKeys.PLATFORM_ADMIN);
	}

	/** A new tenant with a tenant admin key. */
	protected TestTenant newTenant() {
		return newTenant(Map.of());
	}

	/** A new tenant named {@code name}, with a tenant admin key. */
	protected TestTenant newTenant(String name) {
		return newTenant(Map.of("name", name));
	}

	/** A new tenant with {@code fields} (a random name unless given), with a tenant admin key. */
	protected TestTenant newTenant(Map<String, ?> fields) {
		String id = RestApi.newTenant(this.client, fields);
		return new TestTenant(id, newKey(id, "tenant_admin"));
	}

	/** A new key of {@code role} in the tenant, made by the platform admin; returns its secret. */
	protected String newKey(String tenantId, String role) {
		return RestApi.newKey(this.client, TestKeys.PLATFORM_ADMIN, tenantId, role + " key", role)
			.get("secret")
			.toString();
	}

	/** Creates an agent with {@code key} (fields left out take their defaults); returns its id. */
	protected String newAgent(String key, Map<String, ?> fields) {
		return RestApi.newAgent(this.client, key, fields);
	}

	/** A new agent with every default; returns its id. */
	protected String newAgent(String key) {
		return newAgent(key, Map.of());
	}

	/** The body of a {@code GET} of {@code uri} (a template of {@code variables}) with {@code key}; must be 200. */
	protected String getText(String key, String uri, Object... variables) {
		return RestApi.okText(as(key).get().uri(uri, variables).exchange());
	}

	/** POSTs {@code body} and expects 201; returns the answer. */
	protected static Map<String, Object> post(WebTestClient client, String uri, Object body) {
		return RestApi.post(client, uri, body);
	}

	/** GETs {@code uri} and expects 200; returns the answer. */
	protected static Map<String, Object> get(WebTestClient client, String uri) {
		return RestApi.get(client, uri);
	}

}

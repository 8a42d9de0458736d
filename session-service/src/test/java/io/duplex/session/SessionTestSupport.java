package io.duplex.session;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.session.testing.TestModels;
import io.duplex.test.TestDatabase;
import io.duplex.test.TestKeys;

/**
 * Base of the session module's tests: the real application on a random port (the control plane
 * included, so keys, tenants, agents and the catalog are the real ones), a real PostgreSQL, and
 * helpers that make fresh tenants, keys, agents and catalog entries through the API, so tests
 * never share mutable state and never clean tables.
 */
@SpringBootTest(classes = SessionTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "duplex.bootstrap.admin-key=" + TestKeys.PLATFORM_ADMIN })
@ContextConfiguration(initializers = TestDatabase.Initializer.class)
@AutoConfigureWebTestClient(timeout = "30s")
public abstract class SessionTestSupport {

	@Autowired
	protected WebTestClient client;

	@LocalServerPort
	protected int port;

	/** A tenant made for one test, with a tenant admin key. */
	protected record TestTenant(String id, String adminKey) {
	}

	/** A client that sends {@code key} as its bearer token. */
	protected WebTestClient as(String key) {
		return this.client.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key).build();
	}

	protected WebTestClient asPlatformAdmin() {
		return as(TestKeys.PLATFORM_ADMIN);
	}

	/** A new tenant with the default session quota (100). */
	protected TestTenant newTenant() {
		return newTenant(Map.of());
	}

	/** A new tenant that may hold {@code maxConcurrentSessions} live sessions. */
	protected TestTenant newTenant(int maxConcurrentSessions) {
		return newTenant(Map.of("max_concurrent_sessions", maxConcurrentSessions));
	}

	private TestTenant newTenant(Map<String, Object> fields) {
		Map<String, Object> body = new HashMap<>(fields);
		body.put("name", "Tenant " + UUID.randomUUID());
		String id = post(asPlatformAdmin(), "/v1/tenants", body).get("id").toString();
		return new TestTenant(id, newKey(id, "tenant_admin"));
	}

	/** A new key of {@code role} in the tenant; returns its secret. */
	protected String newKey(String tenantId, String role) {
		return post(asPlatformAdmin(), "/v1/tenants/" + tenantId + "/api_keys",
				Map.of("name", role + " key", "role", role))
			.get("secret")
			.toString();
	}

	/** Creates an agent with {@code key} (fields left out take their defaults); returns its id. */
	protected String newAgent(String key, Map<String, ?> fields) {
		Map<String, Object> body = new HashMap<>(fields);
		body.putIfAbsent("name", "Agent " + UUID.randomUUID());
		return post(as(key), "/v1/agents", body).get("id").toString();
	}

	/** A new agent with every default (the sandbox model in us-east); returns its id. */
	protected String newAgent(String key) {
		return newAgent(key, Map.of());
	}

	/**
	 * A region of its own with one shared-CPU compute pool of {@code capacity} sessions and a
	 * sandbox model that runs only there, made by the platform admin, so a test can fill a pool
	 * without touching the seeded catalog.
	 */
	protected TestPlacement newPlacement(int capacity) {
		return newPlacement(capacity, 3600);
	}

	/** {@link #newPlacement(int)} with a model that caps an upstream session at {@code maxSessionSeconds}. */
	protected TestPlacement newPlacement(int capacity, int maxSessionSeconds) {
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String region = "test-" + suffix;
		String pool = "pool-" + suffix;
		String model = "model-" + suffix;
		post(asPlatformAdmin(), "/v1/admin/regions", Map.of("id", region, "name", "Test region " + suffix));
		post(asPlatformAdmin(), "/v1/admin/compute",
				Map.of("region", region, "id", pool, "accelerator", "none", "kind", "shared-cpu",
						"max_concurrent_sessions", capacity, "price_per_minute", "0"));
		Map<String, Object> definition = TestModels.definition(model, "sandbox", "sandbox", "Test sandbox " + suffix,
				maxSessionSeconds, List.of("alloy", "verse"), "0", region, pool);
		post(asPlatformAdmin(), "/v1/admin/models", definition);
		return new TestPlacement(region, pool, model);
	}

	/** Catalog entries a test made: agents placed with {@code {model, region, compute}} run there. */
	protected record TestPlacement(String region, String compute, String model) {

		public Map<String, Object> agentFields() {
			return Map.of("model", this.model, "region", this.region, "compute", this.compute);
		}

	}

	/** POSTs {@code body} and expects 201; returns the answer. */
	@SuppressWarnings("unchecked")
	protected static Map<String, Object> post(WebTestClient client, String uri, Object body) {
		return client.post()
			.uri(uri)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	/** GETs {@code uri} and expects 200; returns the answer. */
	@SuppressWarnings("unchecked")
	protected static Map<String, Object> get(WebTestClient client, String uri) {
		return client.get()
			.uri(uri)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

}

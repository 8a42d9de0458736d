package io.duplex.session;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.ContextConfiguration;

import io.duplex.session.testing.TestModels;
import io.duplex.test.RestApiTestSupport;
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
public abstract class SessionTestSupport extends RestApiTestSupport {

	@LocalServerPort
	protected int port;

	/** A new tenant that may hold {@code maxConcurrentSessions} live sessions. */
	protected TestTenant newTenant(int maxConcurrentSessions) {
		return newTenant(Map.of("max_concurrent_sessions", maxConcurrentSessions));
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

}

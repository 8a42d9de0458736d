package io.duplex.api;

import java.util.Map;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.test.TestDatabase;
import io.duplex.test.TestKeys;

/**
 * Base of the control plane's tests: the real application on a random port, a real PostgreSQL,
 * and helpers that make fresh tenants and keys through the API itself, so tests never share
 * mutable state and never clean tables.
 */
@SpringBootTest(classes = ApiTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "duplex.bootstrap.admin-key=" + TestKeys.PLATFORM_ADMIN,
				"duplex.secrets.keys." + ApiTestSupport.OLD_SECRETS_KEY_ID + "=" + ApiTestSupport.OLD_SECRETS_KEY,
				"duplex.secrets.keys." + ApiTestSupport.SECRETS_KEY_ID + "=" + ApiTestSupport.SECRETS_KEY,
				"duplex.secrets.current-key=" + ApiTestSupport.SECRETS_KEY_ID })
@ContextConfiguration(initializers = TestDatabase.Initializer.class)
@AutoConfigureWebTestClient(timeout = "30s")
public abstract class ApiTestSupport {

	/** The secrets key the test context seals with. */
	public static final String SECRETS_KEY_ID = "test";

	public static final String SECRETS_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

	/** An older key of the test context's ring, as after a rotation: it still opens what it sealed. */
	public static final String OLD_SECRETS_KEY_ID = "old";

	public static final String OLD_SECRETS_KEY = "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=";

	@Autowired
	protected WebTestClient client;

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

	protected TestTenant newTenant() {
		String id = asPlatformAdmin().post()
			.uri("/v1/tenants")
			.bodyValue(Map.of("name", "Tenant " + UUID.randomUUID()))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("id")
			.toString();
		return new TestTenant(id, newKey(id, "tenant_admin"));
	}

	/** A new key of {@code role} in the tenant; returns its secret. */
	protected String newKey(String tenantId, String role) {
		return asPlatformAdmin().post()
			.uri("/v1/tenants/{id}/api_keys", tenantId)
			.bodyValue(Map.of("name", role + " key", "role", role))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("secret")
			.toString();
	}

}

package io.duplex.session.conversation;

import java.util.Map;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.session.protocol.Ids;
import io.duplex.test.TestDatabase;
import io.duplex.test.TestKeys;
import reactor.test.StepVerifier;

/**
 * Base of the conversation tests: the application on a random port over the real test database.
 * Tenants and keys are made through the API; conversations and sessions are inserted with SQL,
 * since the sessions feature that makes them is not what is tested here. Each test makes its own
 * rows, so none cleans tables.
 */
@SpringBootTest(classes = ConversationTestApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "duplex.bootstrap.admin-key=" + TestKeys.PLATFORM_ADMIN })
@ContextConfiguration(initializers = TestDatabase.Initializer.class)
@AutoConfigureWebTestClient(timeout = "30s")
abstract class ConversationTestSupport {

	@Autowired
	protected WebTestClient client;

	@Autowired
	protected DatabaseClient db;

	@Autowired
	protected ConversationStore store;

	/** A tenant made for one test, with a viewer key: the least role, which may read everything here. */
	protected record TestTenant(String id, String viewerKey) {
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
		String key = asPlatformAdmin().post()
			.uri("/v1/tenants/{id}/api_keys", id)
			.bodyValue(Map.of("name", "viewer key", "role", "viewer"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("secret")
			.toString();
		return new TestTenant(id, key);
	}

	/** A client that sends {@code key} as its bearer token. */
	protected WebTestClient as(String key) {
		return this.client.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key).build();
	}

	protected WebTestClient asPlatformAdmin() {
		return as(TestKeys.PLATFORM_ADMIN);
	}

	/** Inserts a conversation of the tenant and returns its id. */
	protected String newConversation(String tenantId) {
		String id = Ids.conversation();
		this.db.sql("INSERT INTO realtime.conversation (id, tenant_id, agent_id) VALUES (:id, :tenantId, :agentId)")
			.bind("id", id)
			.bind("tenantId", tenantId)
			.bind("agentId", "agt_01JDQ4S0X5V9M2KZ7W8T3H6R1C")
			.then()
			.as(StepVerifier::create)
			.verifyComplete();
		return id;
	}

	/** Inserts a session of the tenant carrying the conversation and returns its id. */
	protected String newSession(String tenantId, String conversationId) {
		String id = Ids.session();
		this.db.sql("INSERT INTO realtime.session (id, tenant_id, agent_id, agent_version, conversation_id, model, "
				+ "region, compute) VALUES (:id, :tenantId, :agentId, 1, :conversationId, 'sandbox', 'us-east', "
				+ "'cpu-standard')")
			.bind("id", id)
			.bind("tenantId", tenantId)
			.bind("agentId", "agt_01JDQ4S0X5V9M2KZ7W8T3H6R1C")
			.bind("conversationId", conversationId)
			.then()
			.as(StepVerifier::create)
			.verifyComplete();
		return id;
	}

	/** Stores items through the store under test, one after another as one session writes them. */
	protected void append(StoredItem... items) {
		for (StoredItem item : items) {
			this.store.append(item).as(StepVerifier::create).verifyComplete();
		}
	}

}

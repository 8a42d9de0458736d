package io.duplex.session.conversation;


import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import io.duplex.session.SessionTestSupport;
import io.duplex.core.id.Ids;
import reactor.test.StepVerifier;

/**
 * Base of the conversation tests: the session module's application over the real test database.
 * Tenants and keys are made through the API; conversations and sessions are inserted with SQL,
 * since the sessions feature that makes them is not what is tested here. Each test makes its own
 * rows, so none cleans tables.
 */
abstract class ConversationTestSupport extends SessionTestSupport {

	@Autowired
	protected DatabaseClient db;

	@Autowired
	protected ConversationStore store;

	/** A tenant made for one test, with a viewer key: the least role, which may read everything here. */
	protected record Reader(String id, String viewerKey) {
	}

	protected Reader newReader() {
		TestTenant tenant = newTenant();
		return new Reader(tenant.id(), newKey(tenant.id(), "viewer"));
	}

	/** Inserts a conversation of the tenant and returns its id. */
	protected String newConversation(String tenantId) {
		String id = Ids.newId("conv");
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
		// made one after another, so their ids sort in creation order as the server's do
		String id = Ids.newId("sess");
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

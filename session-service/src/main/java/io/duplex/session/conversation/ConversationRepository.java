package io.duplex.session.conversation;

import java.time.Instant;
import java.util.List;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hand SQL for reading conversations, their items and sessions' transcripts from the
 * {@code realtime} schema. Every statement filters by tenant, so another tenant's rows are never
 * found; deleted items are left out.
 */
@Repository
class ConversationRepository {

	private final DatabaseClient db;

	private final JsonMapper json;

	ConversationRepository(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	/** The tenant's conversation with its live item count and sessions; empty when it has none with this id. */
	Mono<Conversation> findConversation(String tenantId, String id) {
		return this.db.sql("""
				SELECT c.id, c.tenant_id, c.agent_id, c.created_at, c.updated_at,
				    (SELECT count(*) FROM realtime.conversation_item i WHERE i.tenant_id = c.tenant_id
				        AND i.conversation_id = c.id AND i.deleted_at IS NULL) AS item_count,
				    ARRAY(SELECT s.id FROM realtime.session s WHERE s.tenant_id = c.tenant_id
				        AND s.conversation_id = c.id ORDER BY s.id) AS sessions
				FROM realtime.conversation c WHERE c.tenant_id = :tenantId AND c.id = :id""")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.map((row) -> new Conversation(row.get("id", String.class), row.get("tenant_id", String.class),
					row.get("agent_id", String.class), row.get("created_at", Instant.class),
					row.get("updated_at", Instant.class), row.get("item_count", Long.class),
					List.of(row.get("sessions", String[].class))))
			.one();
	}

	/** The position of an item of the conversation, deleted or not; empty when there is no such item. */
	Mono<Long> findPosition(String tenantId, String conversationId, String itemId) {
		return this.db.sql("SELECT position FROM realtime.conversation_item WHERE tenant_id = :tenantId "
				+ "AND conversation_id = :conversationId AND id = :id")
			.bind("tenantId", tenantId)
			.bind("conversationId", conversationId)
			.bind("id", itemId)
			.map((row) -> row.get("position", Long.class))
			.one();
	}

	/** Up to {@code limit} live items after {@code afterPosition}, oldest first. */
	Flux<ListedItem> items(String tenantId, String conversationId, long afterPosition, int limit) {
		return this.db.sql("SELECT " + ItemRows.COLUMNS + ", position, created_at FROM realtime.conversation_item "
				+ "WHERE tenant_id = :tenantId AND conversation_id = :conversationId AND deleted_at IS NULL "
				+ "AND position > :after ORDER BY position LIMIT :limit")
			.bind("tenantId", tenantId)
			.bind("conversationId", conversationId)
			.bind("after", afterPosition)
			.bind("limit", limit)
			.map((row) -> new ListedItem(ItemRows.item(row, this.json), row.get("position", Long.class),
					row.get("created_at", Instant.class)))
			.all();
	}

	/** The conversation a session of the tenant carries; empty when the tenant has no such session. */
	Mono<String> findSessionConversation(String tenantId, String sessionId) {
		return this.db.sql("SELECT conversation_id FROM realtime.session WHERE tenant_id = :tenantId AND id = :id")
			.bind("tenantId", tenantId)
			.bind("id", sessionId)
			.map((row) -> row.get("conversation_id", String.class))
			.one();
	}

	/** The live items a session produced, in conversation order. */
	Flux<StoredItem> sessionItems(String tenantId, String sessionId) {
		return this.db.sql("SELECT " + ItemRows.COLUMNS + " FROM realtime.conversation_item "
				+ "WHERE tenant_id = :tenantId AND session_id = :sessionId AND deleted_at IS NULL ORDER BY position")
			.bind("tenantId", tenantId)
			.bind("sessionId", sessionId)
			.map((row) -> ItemRows.item(row, this.json))
			.all();
	}

}

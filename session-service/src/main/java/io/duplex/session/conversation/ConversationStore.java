package io.duplex.session.conversation;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;

import io.r2dbc.postgresql.codec.Json;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The realtime engine's record of a conversation: it commits every item as it completes, and
 * reads the live items back to seed a session that continues the conversation. Hand SQL over
 * {@code realtime.conversation_item}; every statement filters by tenant, and every change also
 * moves the conversation's {@code updated_at}.
 * <p>
 * Every method errors when the database does; {@link #append} also errors when the tenant has no
 * such conversation.
 */
@Repository
public class ConversationStore {

	private static final Logger log = LoggerFactory.getLogger(ConversationStore.class);

	/** Moves {@code updated_at} of the conversations a data-modifying {@code changed} CTE returned. */
	private static final String TOUCH = " UPDATE realtime.conversation SET updated_at = now() "
			+ "WHERE tenant_id = :tenantId AND id IN (SELECT conversation_id FROM changed)";

	private final DatabaseClient db;

	private final JsonMapper json;

	ConversationStore(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	/**
	 * Appends a completed item at the end of its conversation (next position); a repeat of the
	 * same item id is a no-op.
	 * <p>
	 * One statement, no transaction of its own: it moves the conversation's {@code last_position}
	 * on and inserts the item at it. The update locks the conversation row, so appends of two
	 * sessions to one conversation take turns, and the one that waited sees the other's position
	 * (PostgreSQL re-reads an updated row after a lock wait). A repeat takes no position, except
	 * when two writes of the same new item race, where the loser leaves a gap: order is all that
	 * positions promise.
	 * @return completes empty once the item is stored (or was already); errors with
	 * {@link IllegalArgumentException} when the tenant has no such conversation
	 */
	public Mono<Void> append(StoredItem item) {
		GenericExecuteSpec insert = this.db.sql("""
				WITH conversation AS (
				    SELECT id FROM realtime.conversation WHERE tenant_id = :tenantId AND id = :conversationId),
				next AS (
				    UPDATE realtime.conversation SET last_position = last_position + 1, updated_at = now()
				    WHERE tenant_id = :tenantId AND id = :conversationId
				        AND NOT EXISTS (SELECT 1 FROM realtime.conversation_item
				            WHERE conversation_id = :conversationId AND id = :id)
				    RETURNING last_position),
				inserted AS (
				    INSERT INTO realtime.conversation_item (id, conversation_id, tenant_id, session_id, position, type,
				        role, status, item, text, started_ms, ended_ms, truncated_at_ms)
				    SELECT :id, :conversationId, :tenantId, :sessionId, next.last_position, :type,
				        :role, :status, :item, :text, :startedMs, :endedMs, :truncatedAtMs
				    FROM next
				    ON CONFLICT (conversation_id, id) DO NOTHING
				    RETURNING id)
				SELECT count(*) AS found FROM conversation""")
			.bind("id", item.id())
			.bind("conversationId", item.conversationId())
			.bind("tenantId", item.tenantId())
			.bind("sessionId", item.sessionId())
			.bind("type", item.type())
			.bind("status", item.status())
			.bind("item", jsonb(item.item()));
		insert = nullable(insert, "role", item.role(), String.class);
		insert = nullable(insert, "text", item.text(), String.class);
		insert = nullable(insert, "startedMs", item.startedMs(), Long.class);
		insert = nullable(insert, "endedMs", item.endedMs(), Long.class);
		insert = nullable(insert, "truncatedAtMs", item.truncatedAtMs(), Long.class);
		return insert.map((row) -> row.get("found", Long.class)).one().flatMap((found) -> (found > 0) ? Mono.<Void>empty()
				: Mono.<Void>error(new IllegalArgumentException(
						"Tenant " + item.tenantId() + " has no conversation " + item.conversationId())));
	}

	/**
	 * Records that an assistant item was cut off where the user stopped hearing it: the heard
	 * text and truncation point replace what was stored.
	 * @param truncatedAtMs how much of its audio the user heard, in milliseconds from the item's
	 * start (the {@code audio_end_ms} of {@code conversation.item.truncate})
	 * @param heardText the transcript of what was heard; {@code null} when none is known
	 * @param item the item as it stands after the truncation (its audio transcript cut too)
	 * @return completes empty, whether or not the item was stored: an item the engine has not
	 * committed has nothing to truncate
	 */
	public Mono<Void> truncate(String tenantId, String conversationId, String itemId, long truncatedAtMs,
			@Nullable String heardText, JsonNode item) {
		GenericExecuteSpec update = this.db.sql("""
				WITH changed AS (
				    UPDATE realtime.conversation_item SET item = :item, text = :text, truncated_at_ms = :truncatedAtMs
				    WHERE tenant_id = :tenantId AND conversation_id = :conversationId AND id = :id
				    RETURNING conversation_id)""" + TOUCH)
			.bind("tenantId", tenantId)
			.bind("conversationId", conversationId)
			.bind("id", itemId)
			.bind("truncatedAtMs", truncatedAtMs)
			.bind("item", jsonb(item));
		return nullable(update, "text", heardText, String.class).fetch()
			.rowsUpdated()
			.doOnNext((rows) -> unknownItem(rows, "truncate", tenantId, conversationId, itemId))
			.then();
	}

	/**
	 * Marks an item deleted (kept for the record, left out of context and transcripts).
	 * @return completes empty, whether or not there was such a live item
	 */
	public Mono<Void> delete(String tenantId, String conversationId, String itemId) {
		return this.db.sql("""
				WITH changed AS (
				    UPDATE realtime.conversation_item SET deleted_at = now()
				    WHERE tenant_id = :tenantId AND conversation_id = :conversationId AND id = :id
				        AND deleted_at IS NULL
				    RETURNING conversation_id)""" + TOUCH)
			.bind("tenantId", tenantId)
			.bind("conversationId", conversationId)
			.bind("id", itemId)
			.fetch()
			.rowsUpdated()
			.doOnNext((rows) -> unknownItem(rows, "delete", tenantId, conversationId, itemId))
			.then();
	}

	/**
	 * The conversation's live items in order, for seeding a new session's context.
	 * @return the items oldest first, deleted ones left out; empty when there are none (or the
	 * tenant has no such conversation)
	 */
	public Flux<StoredItem> history(String tenantId, String conversationId) {
		return this.db.sql("SELECT " + ItemRows.COLUMNS + " FROM realtime.conversation_item "
				+ "WHERE tenant_id = :tenantId AND conversation_id = :conversationId AND deleted_at IS NULL "
				+ "ORDER BY position")
			.bind("tenantId", tenantId)
			.bind("conversationId", conversationId)
			.map((row) -> ItemRows.item(row, this.json))
			.all();
	}

	private Json jsonb(JsonNode node) {
		return Json.of(this.json.writeValueAsString(node));
	}

	private static void unknownItem(Long rows, String change, String tenantId, String conversationId,
			String itemId) {
		if (rows == 0) {
			// the engine may race a client's delete, or truncate an item it never committed:
			// worth a trace, not a failure
			log.debug("No live item {} in conversation {} of tenant {} to {}", itemId, conversationId, tenantId,
					change);
		}
	}

	private static <T> GenericExecuteSpec nullable(GenericExecuteSpec spec, String name, @Nullable T value,
			Class<T> type) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, type);
	}

}

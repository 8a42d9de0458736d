package io.duplex.session.conversation;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import tools.jackson.databind.json.JsonMapper;

/** Reads {@code realtime.conversation_item} rows into {@link StoredItem}s: columns and mapping in one place. */
final class ItemRows {

	/** The columns {@link #item} reads, unqualified so they serve any query on the one table. */
	static final String COLUMNS = "id, conversation_id, tenant_id, session_id, type, role, status, item, text, "
			+ "started_ms, ended_ms, truncated_at_ms";

	private ItemRows() {
	}

	static StoredItem item(Readable row, JsonMapper json) {
		return new StoredItem(row.get("id", String.class), row.get("conversation_id", String.class),
				row.get("tenant_id", String.class), row.get("session_id", String.class), row.get("type", String.class),
				row.get("role", String.class), row.get("status", String.class),
				json.readTree(row.get("item", Json.class).asString()), row.get("text", String.class),
				row.get("started_ms", Long.class), row.get("ended_ms", Long.class),
				row.get("truncated_at_ms", Long.class));
	}

}

package io.duplex.session.conversation;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * A stored conversation item on the wire: {@code object} is {@code realtime.conversation.item};
 * {@code item} is the OpenAI Realtime conversation item itself (without audio).
 * @param session the session that produced it
 * @param text plain text for transcripts, as stored
 * @param createdAt when it was committed
 */
record ConversationItemResponse(String id, String object, String type, @Nullable String role, String status,
		String session, @Nullable String text, @Nullable Long startedMs, @Nullable Long endedMs, boolean truncated,
		@Nullable Long truncatedAtMs, Instant createdAt, JsonNode item) {

	static ConversationItemResponse from(ListedItem listed) {
		StoredItem item = listed.item();
		return new ConversationItemResponse(item.id(), "realtime.conversation.item", item.type(), item.role(),
				item.status(), item.sessionId(), item.text(), item.startedMs(), item.endedMs(), item.truncated(),
				item.truncatedAtMs(), listed.createdAt(), item.item());
	}

}

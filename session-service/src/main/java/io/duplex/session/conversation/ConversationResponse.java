package io.duplex.session.conversation;

import java.time.Instant;
import java.util.List;

/**
 * A conversation on the wire: {@code object} is {@code realtime.conversation}.
 * @param agent the agent whose sessions carried it
 * @param itemCount live (not deleted) items
 * @param sessions the sessions that carried it, oldest first
 */
record ConversationResponse(String id, String object, String agent, Instant createdAt, Instant updatedAt,
		long itemCount, List<String> sessions) {

	static ConversationResponse from(Conversation conversation) {
		return new ConversationResponse(conversation.id(), "realtime.conversation", conversation.agentId(),
				conversation.createdAt(), conversation.updatedAt(), conversation.itemCount(), conversation.sessions());
	}

}

package io.duplex.session.conversation;

import java.time.Instant;
import java.util.List;

/**
 * A conversation as the REST API shows it.
 * @param itemCount live (not deleted) items
 * @param sessions ids of the sessions that carried it, oldest first
 */
record Conversation(String id, String tenantId, String agentId, Instant createdAt, Instant updatedAt, long itemCount,
		List<String> sessions) {

	Conversation {
		sessions = List.copyOf(sessions);
	}

}

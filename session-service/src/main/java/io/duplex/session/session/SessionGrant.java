package io.duplex.session.session;

import java.time.Instant;
import java.util.Map;

import io.duplex.core.agent.AgentSnapshot;
import io.duplex.core.catalog.ModelInfo;

/**
 * A session the gateway may run now: it was admitted, and its secret (or the caller's key) opened
 * it, once.
 * @param conversationId the conversation the session adds to
 * @param continuedConversation whether the conversation had earlier sessions, whose items the
 * session starts from
 * @param agent the agent version the session runs, with the fields the client set at creation (as
 * its {@code session_overrides} allow) applied to {@code config}
 * @param model the catalog model of that agent version
 * @param metadata the agent's metadata tags, with the session's own over them
 */
public record SessionGrant(String sessionId, String tenantId, String conversationId, boolean continuedConversation,
		AgentSnapshot agent, ModelInfo model, Map<String, String> metadata, Instant createdAt) {

	public SessionGrant {
		metadata = Map.copyOf(metadata);
	}

}

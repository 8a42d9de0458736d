package io.duplex.session.lifecycle;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

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
 * @param resumeToken the token a client presented to resume the session (detached, its socket
 * gone); null for a session's first socket
 */
public record SessionGrant(String sessionId, String tenantId, String conversationId, boolean continuedConversation,
		AgentSnapshot agent, ModelInfo model, Map<String, String> metadata, Instant createdAt,
		@Nullable String resumeToken) {

	public SessionGrant {
		metadata = Map.copyOf(metadata);
	}

	/** Whether this socket resumes the session rather than starts it. */
	public boolean resumes() {
		return this.resumeToken != null;
	}

	SessionGrant resuming(String token) {
		return new SessionGrant(this.sessionId, this.tenantId, this.conversationId, this.continuedConversation,
				this.agent, this.model, this.metadata, this.createdAt, token);
	}

}

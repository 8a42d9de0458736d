package io.duplex.session.session;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.node.ObjectNode;

/**
 * A stored session.
 * @param status {@code created} (admitted, no socket yet), {@code active} (a socket runs it) or
 * {@code ended}
 * @param endReason why it ended, e.g. {@code ended_by_api}, {@code never_connected} or a reason
 * the gateway gives
 * @param nodeId the node that runs it, once active
 * @param configOverrides the agent configuration fields the client set when creating it, in the
 * agent's own shape ({@code instructions}, {@code tools}, {@code tool_choice}, {@code voice})
 */
record Session(String id, String tenantId, String agentId, int agentVersion, String conversationId, String model,
		String region, String compute, String status, @Nullable String endReason, Map<String, String> metadata,
		@Nullable String nodeId, Instant createdAt, @Nullable Instant startedAt, @Nullable Instant endedAt,
		UsageTotals usage, ObjectNode configOverrides) {

	static final String CREATED = "created";

	static final String ACTIVE = "active";

	static final String ENDED = "ended";

	boolean ended() {
		return ENDED.equals(this.status);
	}

}

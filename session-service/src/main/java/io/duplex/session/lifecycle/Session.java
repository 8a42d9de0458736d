package io.duplex.session.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.node.ObjectNode;

/**
 * A stored session.
 * @param status {@code created} (admitted, no socket yet), {@code active} (a socket runs it),
 * {@code detached} (its socket dropped, or its node stopped or died; resumable until {@code resumableUntil})
 * or {@code ended}
 * @param endReason why it ended, e.g. {@code ended_by_api}, {@code never_connected} or a reason
 * the gateway gives
 * @param nodeId the node that runs it, once active
 * @param configOverrides the agent configuration fields the client set when creating it, in the
 * agent's own shape ({@code instructions}, {@code tools}, {@code tool_choice}, {@code voice})
 * @param detachedAt since when it is detached, while it is
 * @param detachedMs time it spent detached before, in total: not connected, so not metered
 */
public record Session(String id, String tenantId, String agentId, int agentVersion, String conversationId, String model,
		String region, String compute, String status, @Nullable String endReason, Map<String, String> metadata,
		@Nullable String nodeId, Instant createdAt, @Nullable Instant startedAt, @Nullable Instant endedAt,
		UsageTotals usage, ObjectNode configOverrides, @Nullable Instant detachedAt, @Nullable Instant resumableUntil,
		long detachedMs) {

	public static final String CREATED = "created";

	public static final String ACTIVE = "active";

	public static final String DETACHED = "detached";

	public static final String ENDED = "ended";

	/** Why a detached session whose client did not come back in time was ended. */
	public static final String CLIENT_DISCONNECTED = "client_disconnected";

	/**
	 * Why a session of a node whose lease lapsed (the node died) was ended: at once when it could not
	 * be resumed, else when its client did not resume it within the grace period.
	 */
	public static final String NODE_LOST = "node_lost";

	/**
	 * Why a session whose end its node could not record (a database error as it closed), and that
	 * could not be left resumable, was ended once the node found it.
	 */
	public static final String INTERNAL_ERROR = "internal_error";

	public boolean ended() {
		return ENDED.equals(this.status);
	}

	/**
	 * Milliseconds it was connected until {@code now} (or its end): from its start, less the time it
	 * spent detached; null if it never became active.
	 */
	public @Nullable Long connectedMillis(Instant now) {
		if (this.startedAt == null) {
			return null;
		}
		Instant end = (this.endedAt != null) ? this.endedAt : (this.detachedAt != null) ? this.detachedAt : now;
		return Math.max(0, Duration.between(this.startedAt, end).toMillis() - this.detachedMs);
	}

}

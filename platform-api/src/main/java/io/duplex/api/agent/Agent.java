package io.duplex.api.agent;

import java.time.Instant;

/**
 * A live agent with its current configuration.
 * @param version the number of the current version, from 1
 */
record Agent(String id, String tenantId, int version, AgentConfig config, Instant createdAt, Instant updatedAt) {
}

package io.duplex.api.agent;

import java.time.Instant;

/**
 * One immutable version of an agent's configuration.
 * @param createdBy id of the credential that wrote it
 */
record AgentVersion(String agentId, int version, AgentConfig config, Instant createdAt, String createdBy) {
}

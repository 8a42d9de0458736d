package io.duplex.api.agent;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * One version of an agent on the wire: which agent and version, who wrote it and when, then every
 * configuration field as it was.
 * @param createdBy id of the API key that wrote it
 */
record AgentVersionResponse(String object, String agentId, int version, Instant createdAt, String createdBy,
		@JsonUnwrapped AgentConfig config) {

	static AgentVersionResponse from(AgentVersion version) {
		return new AgentVersionResponse("agent.version", version.agentId(), version.version(), version.createdAt(),
				version.createdBy(), version.config());
	}

}

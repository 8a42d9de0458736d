package io.duplex.api.agent;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** An agent on the wire: its identity and current version, then every configuration field. */
record AgentResponse(String id, String object, int version, Instant createdAt, Instant updatedAt,
		@JsonUnwrapped AgentConfig config) {

	static AgentResponse from(Agent agent) {
		return new AgentResponse(agent.id(), "agent", agent.version(), agent.createdAt(), agent.updatedAt(),
				agent.config());
	}

}

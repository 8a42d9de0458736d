package io.duplex.core.agent;

/**
 * One version of an agent as a session starts from it.
 * @param config the agent's whole validated configuration, every default filled in
 */
public record AgentSnapshot(String agentId, String tenantId, int version, String name, String model, String region,
		String compute, AgentConfig config) {

	/** This version with {@code config} in place of its configuration (a session's client overrides applied). */
	public AgentSnapshot withConfig(AgentConfig config) {
		return new AgentSnapshot(this.agentId, this.tenantId, this.version, this.name, this.model, this.region,
				this.compute, config);
	}

}

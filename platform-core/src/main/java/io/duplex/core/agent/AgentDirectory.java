package io.duplex.core.agent;

import org.jspecify.annotations.Nullable;

import reactor.core.publisher.Mono;

/** Port: reads agents and their immutable versions. Implemented by the control plane. */
public interface AgentDirectory {

	/**
	 * The tenant's agent at {@code version}, or at its current version when {@code version} is null.
	 * @return empty when the tenant has no such live agent or no such version
	 */
	Mono<AgentSnapshot> find(String tenantId, String agentId, @Nullable Integer version);

}

package io.duplex.core.tenant;

import reactor.core.publisher.Mono;

/** Port: tenant facts other modules need (name, status, quotas). Implemented by the control plane. */
public interface TenantDirectory {

	/** The tenant; empty when there is none. */
	Mono<TenantInfo> find(String tenantId);

}

package io.duplex.core.tenant;

import reactor.core.publisher.Mono;

/**
 * Port: a tenant's own provider keys ("bring your own key"), stored encrypted by the control plane.
 * A tenant's key, when it has one, is used instead of the catalog's or the platform's key.
 */
public interface TenantCredentials {

	/**
	 * The tenant's key for {@code provider} (e.g. {@code openai}), decrypted; empty when the tenant
	 * has none. The value must never be logged.
	 */
	Mono<String> providerKey(String tenantId, String provider);

}

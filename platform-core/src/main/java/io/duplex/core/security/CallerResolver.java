package io.duplex.core.security;

import reactor.core.publisher.Mono;

/**
 * Port: turns a bearer credential into the {@link Caller} it stands for. Implemented by the
 * module that owns the credentials (API keys in the control plane, client secrets for sessions).
 */
public interface CallerResolver {

	/**
	 * Resolves {@code token}.
	 * @return the caller; empty when this resolver does not know the token or it is revoked,
	 * expired or belongs to a suspended tenant
	 */
	Mono<Caller> resolve(String token);

}

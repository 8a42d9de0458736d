package io.duplex.api.apikey;

import org.springframework.stereotype.Component;

import io.duplex.core.security.Caller;
import io.duplex.core.security.CallerResolver;
import reactor.core.publisher.Mono;

/**
 * Resolves {@code Authorization: Bearer dpx_...} to its caller on every request, from the
 * database, so revocation and tenant suspension take effect on the next request.
 */
@Component
class ApiKeyResolver implements CallerResolver {

	private final ApiKeyRepository keys;

	ApiKeyResolver(ApiKeyRepository keys) {
		this.keys = keys;
	}

	@Override
	public Mono<Caller> resolve(String token) {
		if (!ApiKeySecrets.plausible(token)) {
			return Mono.empty();
		}
		return this.keys.findUsable(ApiKeySecrets.prefixOf(token))
			.filter((key) -> ApiKeySecrets.matches(token, key.secretHash()))
			.map((key) -> new Caller(key.id(), key.tenantId(), key.role()));
	}

}

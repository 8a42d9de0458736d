package io.duplex.api.credentials;

import org.springframework.stereotype.Component;

import io.duplex.api.secret.SecretBox;
import io.duplex.core.tenant.TenantCredentials;
import reactor.core.publisher.Mono;

/**
 * Tenants' own provider keys for sessions, opened from {@code control.tenant_provider_key} on
 * every call, so a key set or deleted applies to the next session. Not tied to a role: session
 * nodes read keys too.
 */
@Component
class ControlTenantCredentials implements TenantCredentials {

	private final ProviderKeyRepository keys;

	private final SecretBox secrets;

	ControlTenantCredentials(ProviderKeyRepository keys, SecretBox secrets) {
		this.keys = keys;
		this.secrets = secrets;
	}

	/**
	 * {@inheritDoc} Errors with {@link io.duplex.api.secret.SecretUnreadableException} when the
	 * stored key does not open (its secrets key left the ring, or the row was changed).
	 */
	@Override
	public Mono<String> providerKey(String tenantId, String provider) {
		return this.keys.find(tenantId, provider).map((key) -> this.secrets.open(key.key(), key.context()));
	}

}

package io.duplex.api.credentials;

import java.time.Instant;

/**
 * A tenant's provider key on the wire: that it is set and since when, never the key.
 * @param id the provider, which names the key within its tenant
 */
record ProviderKeyResponse(String id, String object, String tenantId, String provider, boolean apiKeySet,
		Instant createdAt, Instant updatedAt) {

	static ProviderKeyResponse from(ProviderKey key) {
		return new ProviderKeyResponse(key.provider(), "provider_key", key.tenantId(), key.provider(), true,
				key.createdAt(), key.updatedAt());
	}

}

package io.duplex.api.apikey;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.duplex.core.security.Role;

/**
 * A stored API key: never its secret, only the prefix that finds it and the hash that checks it.
 * @param tenantId {@code null} for a platform admin key
 */
record ApiKey(String id, @Nullable String tenantId, String name, Role role, String prefix, byte[] secretHash,
		Instant createdAt, @Nullable Instant revokedAt) {

	boolean revoked() {
		return this.revokedAt != null;
	}

}

package io.duplex.api.apikey;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * An API key on the wire. {@code secret} is present only in the answer to its creation.
 */
record ApiKeyResponse(String id, String object, @Nullable String tenantId, String name, String role, String prefix,
		@Schema(allowableValues = { ACTIVE, REVOKED }) String status, Instant createdAt, @Nullable Instant revokedAt,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String secret) {

	static final String ACTIVE = "active";

	static final String REVOKED = "revoked";

	static ApiKeyResponse from(ApiKey key) {
		return new ApiKeyResponse(key.id(), "api_key", key.tenantId(), key.name(), key.role().wireName(), key.prefix(),
				key.revoked() ? REVOKED : ACTIVE, key.createdAt(), key.revokedAt(), null);
	}

	static ApiKeyResponse withSecret(ApiKey key, String secret) {
		ApiKeyResponse response = from(key);
		return new ApiKeyResponse(response.id(), response.object(), response.tenantId(), response.name(),
				response.role(), response.prefix(), response.status(), response.createdAt(), response.revokedAt(), secret);
	}

}

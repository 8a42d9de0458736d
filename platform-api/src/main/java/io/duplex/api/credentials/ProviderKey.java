package io.duplex.api.credentials;

import java.time.Instant;

import io.duplex.api.secret.SealedSecret;

/**
 * A tenant's own key for a provider, sealed.
 * @param provider {@code openai} or {@code cascade}
 */
record ProviderKey(String tenantId, String provider, SealedSecret key, Instant createdAt, Instant updatedAt) {

	static final String OPENAI = "openai";

	static final String CASCADE = "cascade";

	/** What the sealed key is bound to (GCM associated data): it opens in this tenant's row only. */
	static String context(String tenantId, String provider) {
		return "tenant_provider_key/" + tenantId + "/" + provider;
	}

	String context() {
		return context(this.tenantId, this.provider);
	}

}

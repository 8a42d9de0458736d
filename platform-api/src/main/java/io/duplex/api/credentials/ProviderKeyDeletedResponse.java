package io.duplex.api.credentials;

/** The answer to deleting a tenant's provider key, shaped like OpenAI's deletion answers. */
record ProviderKeyDeletedResponse(String id, String object, String tenantId, boolean deleted) {

	static ProviderKeyDeletedResponse of(String tenantId, String provider) {
		return new ProviderKeyDeletedResponse(provider, "provider_key", tenantId, true);
	}

}

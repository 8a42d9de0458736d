package io.duplex.api.credentials;

import org.jspecify.annotations.Nullable;

import io.duplex.api.secret.ApiKeyDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * Stores a tenant's key for a provider.
 * @param apiKey the key, write-only: printable ASCII without spaces, at most 4096 characters
 */
record SetProviderKeyRequest(@JsonDeserialize(using = ApiKeyDeserializer.class) @Nullable String apiKey) {

	/** Keeps the key out of logs. */
	@Override
	public String toString() {
		return "SetProviderKeyRequest[apiKey=" + ((this.apiKey != null) ? "(set)" : "null") + "]";
	}

}

package io.duplex.api.secret;

import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The key ring that seals provider API keys at rest.
 * @param keys AES-256 keys by id, each 32 random bytes in base64 (e.g. {@code openssl rand -base64 32}).
 * Old keys stay listed as long as anything is sealed with them; ids are 1 to 32 lowercase letters,
 * digits, {@code .}, {@code _} or {@code -}. Empty: no secret can be stored.
 * @param currentKey the id of the key new secrets are sealed with; may be left out when there is
 * one key only
 */
@ConfigurationProperties("duplex.secrets")
public record SecretsProperties(@Nullable Map<String, String> keys, @Nullable String currentKey) {

	public SecretsProperties {
		keys = (keys != null) ? Map.copyOf(keys) : Map.of();
	}

	/** Names the key ids only: the keys themselves never reach a log line. */
	@Override
	public String toString() {
		return "SecretsProperties[keys=" + new TreeMap<>(this.keys).keySet() + ", currentKey=" + this.currentKey + "]";
	}

}

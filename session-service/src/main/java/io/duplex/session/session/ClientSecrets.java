package io.duplex.session.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.duplex.core.id.Ids;

/**
 * Makes and recognises client secrets. A secret looks like {@code ek_k7q2m9x4...} (OpenAI's
 * ephemeral key shape): 48 random base32 characters, 240 bits. Its first {@value #PREFIX_LENGTH}
 * characters are stored in clear to find it, the whole secret only as a SHA-256 hash; with that
 * much randomness a fast hash is safe, as for API keys.
 */
final class ClientSecrets {

	static final String PREFIX = "ek_";

	static final int PREFIX_LENGTH = 16;

	private static final int RANDOM_CHARACTERS = 48;

	private ClientSecrets() {
	}

	static String newSecret() {
		return PREFIX + Ids.randomToken(RANDOM_CHARACTERS);
	}

	/** Whether {@code token} has the shape of a secret made here, so other tokens cost no query. */
	static boolean plausible(String token) {
		if (!token.startsWith(PREFIX) || token.length() != PREFIX.length() + RANDOM_CHARACTERS) {
			return false;
		}
		for (int i = PREFIX.length(); i < token.length(); i++) {
			char c = token.charAt(i);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
				return false;
			}
		}
		return true;
	}

	static String prefixOf(String secret) {
		return secret.substring(0, PREFIX_LENGTH);
	}

	static byte[] hash(String secret) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

}

package io.duplex.api.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.duplex.core.id.Ids;

/**
 * Makes and checks API key secrets. A key looks like {@code dpx_k7q2m9x4c1vd...}: its first
 * {@value #PREFIX_LENGTH} characters are stored in clear to find the key (and to show it), the
 * whole key only as a SHA-256 hash. Keys are 240 random bits, so a fast hash is safe here, unlike
 * for passwords.
 */
final class ApiKeySecrets {

	static final int PREFIX_LENGTH = 16;

	/** A bootstrap key given by the operator must at least be this long. */
	static final int MIN_LENGTH = 32;

	private ApiKeySecrets() {
	}

	static String newSecret() {
		return "dpx_" + Ids.randomToken(48);
	}

	static String prefixOf(String secret) {
		return secret.substring(0, PREFIX_LENGTH);
	}

	static boolean plausible(String token) {
		return token.length() >= MIN_LENGTH && token.length() <= 256;
	}

	static byte[] hash(String secret) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

	/** Compares in time that does not depend on where the hashes differ. */
	static boolean matches(String secret, byte[] storedHash) {
		return MessageDigest.isEqual(hash(secret), storedHash);
	}

}

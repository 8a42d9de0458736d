package io.duplex.session.secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.duplex.core.id.Ids;

/**
 * Bearer tokens of a session (client secrets, resume tokens): a prefix and 48 random base32
 * characters, 240 bits, stored only as a SHA-256 hash. With that much randomness a fast hash is
 * safe, as for API keys.
 */
final class RandomTokens {

	private static final int RANDOM_CHARACTERS = 48;

	private RandomTokens() {
	}

	static String newToken(String prefix) {
		return prefix + Ids.randomToken(RANDOM_CHARACTERS);
	}

	/** Whether {@code token} has the shape of a token made here with {@code prefix}, so other strings cost no query. */
	static boolean plausible(String token, String prefix) {
		if (!token.startsWith(prefix) || token.length() != prefix.length() + RANDOM_CHARACTERS) {
			return false;
		}
		for (int i = prefix.length(); i < token.length(); i++) {
			char c = token.charAt(i);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
				return false;
			}
		}
		return true;
	}

	static byte[] hash(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

}

package io.duplex.session.session;

import io.duplex.core.id.Ids;

/**
 * Makes and recognises resume tokens: {@code rt_} and 48 random base32 characters (240 bits),
 * stored only as a SHA-256 hash, like client secrets. Each socket of a session gets a new one, so
 * a token resumes a session once.
 */
final class ResumeTokens {

	static final String PREFIX = "rt_";

	private static final int RANDOM_CHARACTERS = 48;

	private ResumeTokens() {
	}

	static String newToken() {
		return PREFIX + Ids.randomToken(RANDOM_CHARACTERS);
	}

	/** Whether {@code token} has the shape of a token made here, so other strings cost no query. */
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

	static byte[] hash(String token) {
		return ClientSecrets.hash(token);
	}

}

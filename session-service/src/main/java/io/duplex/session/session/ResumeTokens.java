package io.duplex.session.session;

/**
 * Resume tokens: {@code rt_} and 48 random base32 characters, stored only as a hash (see
 * {@link RandomTokens}). Each socket of a session gets a new one, so a token resumes a session once.
 */
final class ResumeTokens {

	static final String PREFIX = "rt_";

	private ResumeTokens() {
	}

	static String newToken() {
		return RandomTokens.newToken(PREFIX);
	}

	static boolean plausible(String token) {
		return RandomTokens.plausible(token, PREFIX);
	}

	static byte[] hash(String token) {
		return RandomTokens.hash(token);
	}

}

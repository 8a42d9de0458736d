package io.duplex.session.secrets;

/**
 * Resume tokens: {@code rt_} and 48 random base32 characters, stored only as a hash (see
 * {@link RandomTokens}). Each socket of a session gets a new one, so a token resumes a session once.
 */
public final class ResumeTokens {

	static final String PREFIX = "rt_";

	private ResumeTokens() {
	}

	public static String newToken() {
		return RandomTokens.newToken(PREFIX);
	}

	public static boolean plausible(String token) {
		return RandomTokens.plausible(token, PREFIX);
	}

	public static byte[] hash(String token) {
		return RandomTokens.hash(token);
	}

}

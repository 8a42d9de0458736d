package io.duplex.session.secrets;

/**
 * Makes and recognises client secrets. A secret looks like {@code ek_k7q2m9x4...} (OpenAI's
 * ephemeral key shape): 48 random base32 characters (see {@link RandomTokens}). Its first
 * {@value #PREFIX_LENGTH} characters are stored in clear to find it, the whole secret only as a
 * SHA-256 hash.
 */
public final class ClientSecrets {

	static final String PREFIX = "ek_";

	static final int PREFIX_LENGTH = 16;

	private ClientSecrets() {
	}

	public static String newSecret() {
		return RandomTokens.newToken(PREFIX);
	}

	/** Whether {@code token} has the shape of a secret made here, so other tokens cost no query. */
	public static boolean plausible(String token) {
		return RandomTokens.plausible(token, PREFIX);
	}

	public static String prefixOf(String secret) {
		return secret.substring(0, PREFIX_LENGTH);
	}

	public static byte[] hash(String secret) {
		return RandomTokens.hash(secret);
	}

}

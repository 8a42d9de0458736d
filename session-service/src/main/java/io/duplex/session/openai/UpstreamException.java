package io.duplex.session.openai;

/**
 * The upstream refused or dropped a session before it was ready, or failed a side request (a
 * summary), with OpenAI's error code.
 */
final class UpstreamException extends RuntimeException {

	private final String code;

	UpstreamException(String code, String message) {
		super(message, null, false, false);
		this.code = code;
	}

	String code() {
		return this.code;
	}

}

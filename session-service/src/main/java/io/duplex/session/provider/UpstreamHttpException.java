package io.duplex.session.provider;

import org.jspecify.annotations.Nullable;

/**
 * An upstream HTTP API answered with an error status, with the error it gave in OpenAI's shape
 * ({@code {"error": {"message", "type", "code", "param"}}}) where it gave one. The message is the
 * upstream's; it never holds the request's key.
 * @see <a href="https://platform.openai.com/docs/guides/error-codes">OpenAI error codes</a>
 */
public final class UpstreamHttpException extends RuntimeException {

	private final int status;

	private final String code;

	private final String type;

	private final @Nullable String param;

	public UpstreamHttpException(int status, String code, String type, String message, @Nullable String param) {
		super(message, null, false, false);
		this.status = status;
		this.code = code;
		this.type = type;
		this.param = param;
	}

	public int status() {
		return this.status;
	}

	/** The upstream's {@code error.code}, else its {@code error.type}, else {@code http_<status>}. */
	public String code() {
		return this.code;
	}

	/** {@code invalid_request_error} for a 4xx the request caused, else {@code server_error}. */
	public String type() {
		return this.type;
	}

	public @Nullable String param() {
		return this.param;
	}

}

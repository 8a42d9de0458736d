package io.duplex.session.provider;

import java.time.Duration;
import java.util.Map;

import org.springframework.http.HttpStatus;

import io.duplex.core.web.ProblemException;

/**
 * A model's upstream is failing, so the provider refuses new work at once instead of making every
 * session wait for its timeouts: the circuit breaker of one of its endpoints is open. Problem type
 * {@code model-unavailable} (503) wherever it reaches an HTTP caller.
 */
public final class ProviderUnavailableException extends ProblemException {

	/** The problem's slug, and the {@code code} of the realtime {@code error} event a client gets. */
	public static final String CODE = "model_unavailable";

	private final String provider;

	private final Duration retryAfter;

	public ProviderUnavailableException(String provider, String endpoint, Duration retryAfter) {
		super(HttpStatus.SERVICE_UNAVAILABLE, "model-unavailable", "Model unavailable",
				"The model's upstream (" + provider + " at " + endpoint + ") is failing, so Duplex is not sending it "
						+ "new sessions for now; try again in " + Math.max(1, retryAfter.toSeconds()) + " s.",
				Map.of("provider", provider, "retry_after", Math.max(1, retryAfter.toSeconds())));
		this.provider = provider;
		this.retryAfter = retryAfter;
	}

	/** No stack trace: this is the expected, frequent answer while a breaker is open, and says all there is. */
	@Override
	public synchronized Throwable fillInStackTrace() {
		return this;
	}

	/** The provider whose upstream is failing, e.g. {@code cascade}. */
	public String provider() {
		return this.provider;
	}

	/** At most how long until the upstream is tried again. */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}

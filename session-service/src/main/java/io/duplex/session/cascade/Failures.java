package io.duplex.session.cascade;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import reactor.core.Exceptions;

import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderUnavailableException;
import io.duplex.session.provider.UpstreamHttpException;

/**
 * How an upstream failure reaches the engine: the upstream's own error code and type when it
 * answered with one, else Duplex's code for what happened to the call. A cascade session outlives
 * any one call, so none of these is fatal.
 */
final class Failures {

	private Failures() {
	}

	static ProviderEvent.Failed event(Throwable error, String stage) {
		Throwable cause = Exceptions.unwrap(error);
		if (cause instanceof UpstreamHttpException http) {
			return new ProviderEvent.Failed(http.code(), http.getMessage(), false, http.type(), http.param());
		}
		if (cause instanceof ProviderUnavailableException unavailable) {
			return new ProviderEvent.Failed(ProviderUnavailableException.CODE, unavailable.getBody().getDetail(), false);
		}
		if (cause instanceof TimeoutException || cause instanceof io.netty.handler.timeout.TimeoutException) {
			return new ProviderEvent.Failed("upstream_timeout", "The " + stage + " upstream did not answer in time.",
					false);
		}
		if (cause instanceof ConnectException) {
			return new ProviderEvent.Failed("upstream_unreachable", "The " + stage + " upstream could not be reached.",
					false);
		}
		if (cause instanceof IOException) {
			return new ProviderEvent.Failed("upstream_closed",
					"The " + stage + " upstream closed the connection before it had answered.", false);
		}
		return new ProviderEvent.Failed("upstream_error", "The " + stage + " upstream failed.", false);
	}

}

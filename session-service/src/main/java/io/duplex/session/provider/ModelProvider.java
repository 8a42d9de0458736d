package io.duplex.session.provider;

import io.duplex.core.catalog.ModelInfo;
import reactor.core.publisher.Mono;

/** A kind of model backend (the catalog's {@code provider}: sandbox, openai, cascade). */
public interface ModelProvider {

	/** The catalog provider name this serves, e.g. {@code sandbox}. */
	String name();

	/**
	 * Opens an upstream session configured with {@code settings} and seeded with its context.
	 * Events come back through {@code listener}, from any thread, in order.
	 * @return the open session; a {@link ProviderUnavailableException} at once while the circuit
	 * breaker of one of its endpoints is open; another error when the upstream cannot be reached or
	 * refuses
	 */
	Mono<ProviderSession> open(ProviderSettings settings, ProviderListener listener);

	/**
	 * Whether a new session of {@code model} at {@code placement} may start now: refused at once,
	 * before anything is created, while its upstream is known to be down (a circuit breaker open).
	 * @return completes empty when it may; errors with {@link ProviderUnavailableException} when not
	 */
	default Mono<Void> admit(Placement placement, ModelInfo model) {
		return Mono.empty();
	}

}

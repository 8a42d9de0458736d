package io.duplex.session.provider;

import java.net.ConnectException;
import java.net.UnknownHostException;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

import io.duplex.core.catalog.Endpoint;

/**
 * One Resilience4j circuit breaker per provider and upstream endpoint (base URL), shared by every
 * session of this node, so that an upstream that is down fails new sessions at once instead of
 * making each wait for its timeouts. See {@link BreakerProperties} for what counts as a failure.
 */
@Component
public class UpstreamBreakers {

	private static final Logger log = LoggerFactory.getLogger(UpstreamBreakers.class);

	private final CircuitBreakerRegistry registry;

	private final BreakerProperties properties;

	public UpstreamBreakers(BreakerProperties properties) {
		this.properties = properties;
		this.registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.failureRateThreshold(properties.failureRateThreshold())
			.slidingWindowSize(properties.slidingWindowSize())
			.minimumNumberOfCalls(properties.minimumNumberOfCalls())
			.waitDurationInOpenState(properties.waitInOpenState())
			.permittedNumberOfCallsInHalfOpenState(properties.permittedCallsInHalfOpenState())
			.recordException(UpstreamBreakers::endpointFault)
			.build());
	}

	/** The breaker of {@code provider}'s endpoint; the key is never part of its name. */
	public CircuitBreaker breaker(String provider, Endpoint endpoint) {
		String name = provider + " " + withoutQuery(endpoint.baseUrl());
		return this.registry.find(name).orElseGet(() -> {
			CircuitBreaker breaker = this.registry.circuitBreaker(name);
			breaker.getEventPublisher()
				.onStateTransition((event) -> log.warn("Circuit breaker of {} went from {} to {}", name,
						event.getStateTransition().getFromState(), event.getStateTransition().getToState()));
			return breaker;
		});
	}

	/**
	 * {@code call} guarded by {@code breaker}: refused at once with a
	 * {@link ProviderUnavailableException} while the breaker is open, and its outcome recorded
	 * otherwise.
	 */
	public <T> Mono<T> guard(String provider, CircuitBreaker breaker, Mono<T> call) {
		return call.transform(CircuitBreakerOperator.of(breaker))
			.onErrorMap(CallNotPermittedException.class, (refused) -> unavailable(provider, breaker));
	}

	/**
	 * Whether {@code breaker} lets calls through now, without making one: an open breaker whose wait
	 * is over lets trial calls through (half open). Errors with a {@link ProviderUnavailableException}
	 * when it does not.
	 */
	public Mono<Void> check(String provider, CircuitBreaker breaker) {
		return Mono.defer(() -> {
			if (!breaker.tryAcquirePermission()) {
				return Mono.error(unavailable(provider, breaker));
			}
			breaker.releasePermission();
			return Mono.empty();
		});
	}

	/** The error for a call {@code breaker} refused. */
	public ProviderUnavailableException unavailable(String provider, CircuitBreaker breaker) {
		return new ProviderUnavailableException(provider, breaker.getName().substring(provider.length() + 1),
				this.properties.waitInOpenState());
	}

	/**
	 * Whether {@code error} says the endpoint is failing (unreachable, timed out, dropped the
	 * connection before answering, answered 5xx), as opposed to refusing this one request.
	 */
	public static boolean endpointFault(Throwable error) {
		Throwable cause = Exceptions.unwrap(error);
		if (Exceptions.isRetryExhausted(cause) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof UpstreamHttpException http) {
			return http.status() >= 500;
		}
		if (cause instanceof WebSocketClientHandshakeException handshake) {
			return handshake.response() == null || handshake.response().status().code() >= 500;
		}
		return cause instanceof ConnectException || cause instanceof UnknownHostException
				|| cause instanceof java.util.concurrent.TimeoutException
				|| cause instanceof io.netty.handler.timeout.TimeoutException
				|| cause instanceof PrematureCloseException;
	}

	private static String withoutQuery(String url) {
		int query = url.indexOf('?');
		return (query < 0) ? url : url.substring(0, query);
	}

}

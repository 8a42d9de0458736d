package io.duplex.session.cascade;

import java.net.ConnectException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;

import io.duplex.core.catalog.Endpoint;
import io.duplex.session.provider.UpstreamBreakers;
import io.duplex.session.provider.UpstreamHttpException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One stage's upstream (speech to text, chat or text to speech) for one session: POSTs to it with
 * the stage's key, through the endpoint's circuit breaker. Only a connect that failed is retried,
 * since nothing was sent then: a user's turn or a sentence is never sent twice. The breaker judges
 * a call by how it starts (answered with a status below 500 within the first-byte timeout, or not);
 * what happens later in a streamed answer is the response's business.
 */
final class StageClient {

	private static final Duration BACKOFF = Duration.ofMillis(100);

	private final Endpoint endpoint;

	private final HttpClient client;

	private final CircuitBreaker breaker;

	private final UpstreamBreakers breakers;

	private final int retries;

	StageClient(Endpoint endpoint, HttpClient client, UpstreamBreakers breakers, int retries) {
		this.endpoint = endpoint;
		this.breakers = breakers;
		this.breaker = breakers.breaker(CascadeProvider.NAME, endpoint);
		this.retries = retries;
		String key = endpoint.apiKey();
		boolean azure = endpoint.azureApiVersion() != null;
		this.client = client.headers((headers) -> {
			if (key != null && azure) {
				headers.set("api-key", key);
			}
			else if (key != null) {
				headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key);
			}
		});
	}

	/** The model this stage's upstream knows. */
	String model(String fallback) {
		return (this.endpoint.model() != null) ? this.endpoint.model() : fallback;
	}

	/** Errors with a {@code ProviderUnavailableException} while the endpoint's breaker is open. */
	Mono<Void> check() {
		return this.breakers.check(CascadeProvider.NAME, this.breaker);
	}

	/**
	 * POSTs {@code body} to {@code <baseUrl><path>} and reads a successful answer's body with
	 * {@code reader}. Errors with an {@link UpstreamHttpException} for a status of 400 or more, with
	 * a {@code ProviderUnavailableException} while the breaker is open, or with the transport's
	 * error; cancelling closes the connection at once.
	 */
	<T> Flux<T> post(String path, String contentType, byte[] body, Function<ByteBufFlux, Flux<T>> reader) {
		String uri = uri(path);
		Flux<T> attempt = Flux.defer(() -> {
			if (!this.breaker.tryAcquirePermission()) {
				return Flux.error(this.breakers.unavailable(CascadeProvider.NAME, this.breaker));
			}
			long start = System.nanoTime();
			AtomicBoolean settled = new AtomicBoolean();
			return this.client.post()
				.uri(uri)
				.send((request, out) -> {
					request.header(HttpHeaderNames.CONTENT_TYPE, contentType);
					return out.sendByteArray(Mono.just(body));
				})
				.response((response, bytes) -> {
					int status = response.status().code();
					if (status < 400) {
						settle(settled, start, null);
						return reader.apply(bytes);
					}
					return bytes.aggregate().asString().defaultIfEmpty("").flatMapMany((text) -> {
						UpstreamHttpException error = error(status, text);
						settle(settled, start, error);
						return Flux.error(error);
					});
				})
				.doOnError((error) -> settle(settled, start, error))
				.doOnCancel(() -> {
					if (settled.compareAndSet(false, true)) {
						this.breaker.releasePermission();
					}
				});
		});
		return attempt.retryWhen(Retry.backoff(this.retries, BACKOFF)
			.filter(StageClient::beforeSending)
			.onRetryExhaustedThrow((spec, signal) -> signal.failure()));
	}

	/** Records the call's outcome with the breaker, once. */
	private void settle(AtomicBoolean settled, long startNanos, @Nullable Throwable error) {
		if (!settled.compareAndSet(false, true)) {
			return;
		}
		long elapsed = System.nanoTime() - startNanos;
		if (error == null) {
			this.breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
		}
		else {
			// the breaker's own predicate decides whether this error counts against the endpoint
			this.breaker.onError(elapsed, TimeUnit.NANOSECONDS, error);
		}
	}

	private String uri(String path) {
		String base = this.endpoint.baseUrl();
		if (base.endsWith("/")) {
			base = base.substring(0, base.length() - 1);
		}
		String uri = base + path;
		if (this.endpoint.azureApiVersion() != null) {
			uri += "?api-version=" + URLEncoder.encode(this.endpoint.azureApiVersion(), StandardCharsets.UTF_8);
		}
		return uri;
	}

	/** A connect that failed (refused, timed out) sent nothing, so it may be tried again. */
	static boolean beforeSending(Throwable error) {
		return error instanceof ConnectException;
	}

	/** The upstream's error in OpenAI's shape, or one named after the status when the body is not that. */
	static UpstreamHttpException error(int status, String body) {
		String type = (status >= 500) ? "server_error" : "invalid_request_error";
		String code = "http_" + status;
		String message = "The upstream answered " + status + ".";
		String param = null;
		try {
			JsonNode error = JsonMapper.shared().readTree(body).path("error");
			if (error.isObject()) {
				type = error.path("type").stringValue(type);
				code = error.path("code").stringValue(error.path("type").stringValue(code));
				message = error.path("message").stringValue(message);
				param = error.path("param").stringValue(null);
			}
			else if (error.isString()) {
				message = error.stringValue();
			}
		}
		catch (JacksonException ex) {
			// not JSON (a proxy's HTML page, say): the status says enough
		}
		return new UpstreamHttpException(status, code, type, message, param);
	}

}

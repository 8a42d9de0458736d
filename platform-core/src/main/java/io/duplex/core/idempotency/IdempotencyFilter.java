package io.duplex.core.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.duplex.core.security.Caller;
import io.duplex.core.web.ProblemException;
import io.duplex.core.web.ProblemWriter;
import io.duplex.core.web.Problems;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Honours {@code Idempotency-Key} on every POST: the first request with a key runs and its
 * answer (status, content type, location, body) is stored; a retry with the same key and the
 * same method, path and body gets that answer again without running twice; the same key with a
 * different request is a 409. Keys are scoped to the caller's tenant and kept 24 hours. Server
 * errors (5xx) and 429 (try later) are not stored, so the client may retry them with the same key.
 */
public class IdempotencyFilter implements WebFilter, Ordered {

	public static final String HEADER = "Idempotency-Key";

	/** Set on a response that is a replay of a stored one. */
	public static final String REPLAYED_HEADER = "Idempotent-Replayed";

	private final IdempotencyStore store;

	private final ProblemWriter problems;

	IdempotencyFilter(IdempotencyStore store, ProblemWriter problems) {
		this.store = store;
		this.problems = problems;
	}

	@Override
	public int getOrder() {
		// after Spring Security's chain (-100), so the caller is known
		return 0;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String key = exchange.getRequest().getHeaders().getFirst(HEADER);
		if (exchange.getRequest().getMethod() != HttpMethod.POST || key == null) {
			return chain.filter(exchange);
		}
		if (key.isBlank() || key.length() > 255) {
			return this.problems.write(exchange, Problems.validation(HEADER, "must be 1 to 255 characters"));
		}
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull((context) -> context.getAuthentication())
			.mapNotNull((authentication) -> (authentication.getPrincipal() instanceof Caller caller) ? caller : null)
			.flatMap((caller) -> DataBufferUtils.join(exchange.getRequest().getBody())
				.map(IdempotencyFilter::drain)
				.defaultIfEmpty(new byte[0])
				.flatMap((body) -> run(exchange, chain, scopeOf(caller), key, body)))
			.switchIfEmpty(Mono.defer(() -> chain.filter(exchange)));
	}

	private Mono<Void> run(ServerWebExchange exchange, WebFilterChain chain, String scope, String key, byte[] body) {
		String method = exchange.getRequest().getMethod().name();
		String path = exchange.getRequest().getPath().value();
		String hash = hash(method, path, body);
		return this.store.claim(scope, key, method, path, hash).flatMap((claimed) -> {
			if (claimed) {
				return proceed(exchange, chain, scope, key, body);
			}
			return this.store.find(scope, key)
				.flatMap((stored) -> answerFromRecord(exchange, stored, hash))
				.switchIfEmpty(Mono.defer(() -> this.problems.write(exchange, inProgress())));
		});
	}

	private Mono<Void> answerFromRecord(ServerWebExchange exchange, IdempotencyRecord stored, String hash) {
		if (!stored.requestHash().equals(hash)) {
			return this.problems.write(exchange, Problems.conflict("idempotency-key-reused", "Idempotency key reused",
					"This Idempotency-Key was used with a different request; use a new key for a new request."));
		}
		if (!stored.finished()) {
			return this.problems.write(exchange, inProgress());
		}
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatusCode.valueOf(stored.status()));
		HttpHeaders headers = response.getHeaders();
		if (stored.contentType() != null) {
			headers.setContentType(MediaType.parseMediaType(stored.contentType()));
		}
		if (stored.location() != null) {
			headers.set(HttpHeaders.LOCATION, stored.location());
		}
		headers.set(REPLAYED_HEADER, "true");
		byte[] body = (stored.body() != null) ? stored.body() : new byte[0];
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
	}

	private Mono<Void> proceed(ServerWebExchange exchange, WebFilterChain chain, String scope, String key,
			byte[] body) {
		ServerHttpRequestDecorator request = new ServerHttpRequestDecorator(exchange.getRequest()) {
			@Override
			public Flux<DataBuffer> getBody() {
				return Flux.defer(() -> Mono.just(exchange.getResponse().bufferFactory().wrap(body)));
			}
		};
		RecordingResponse response = new RecordingResponse(exchange.getResponse(), scope, key);
		return chain.filter(exchange.mutate().request(request).response(response).build())
			.onErrorResume((error) -> this.store.release(scope, key).then(Mono.error(error)));
	}

	/** Stores what is written before passing it on, so a retry can be answered the same way. */
	private final class RecordingResponse extends ServerHttpResponseDecorator {

		private final String scope;

		private final String key;

		RecordingResponse(ServerHttpResponse delegate, String scope, String key) {
			super(delegate);
			this.scope = scope;
			this.key = key;
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			return DataBufferUtils.join(Flux.from(body))
				.map(IdempotencyFilter::drain)
				.defaultIfEmpty(new byte[0])
				.flatMap((bytes) -> remember(bytes)
					.then(getDelegate().writeWith(Mono.just(bufferFactory().wrap(bytes)))));
		}

		@Override
		public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			return writeWith(Flux.from(body).concatMap(Flux::from));
		}

		@Override
		public Mono<Void> setComplete() {
			return remember(new byte[0]).then(getDelegate().setComplete());
		}

		private Mono<Void> remember(byte[] bytes) {
			HttpStatusCode status = getStatusCode() != null ? getStatusCode() : HttpStatus.OK;
			// a server error or a "try later" (429) did nothing: the same key may run again
			if (status.is5xxServerError() || status.value() == 429) {
				return IdempotencyFilter.this.store.release(this.scope, this.key);
			}
			MediaType contentType = getHeaders().getContentType();
			return IdempotencyFilter.this.store.complete(this.scope, this.key, status.value(),
					(contentType != null) ? contentType.toString() : null, getHeaders().getFirst(HttpHeaders.LOCATION),
					bytes);
		}

	}

	private static ProblemException inProgress() {
		return Problems.conflict("idempotency-request-in-progress", "Request in progress",
				"A request with this Idempotency-Key is still running; retry shortly.");
	}

	static String scopeOf(Caller caller) {
		return (caller.tenantId() != null) ? caller.tenantId() : "platform";
	}

	static String hash(String method, String path, byte[] body) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update((method + " " + path + "\n").getBytes(StandardCharsets.UTF_8));
			digest.update(body);
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

	private static byte[] drain(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}


}

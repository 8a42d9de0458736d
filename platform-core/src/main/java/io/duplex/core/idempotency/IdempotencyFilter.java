package io.duplex.core.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
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

import io.duplex.core.idempotency.AnswerSealer.SealedAnswer;
import io.duplex.core.idempotency.IdempotencyStore.Owner;
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
 * different request is a 409.
 * <p>
 * A key belongs to the credential that used it (the API key, not its tenant), and to the roles
 * that credential had then. So authentication and authorization always run before a replay: the
 * filter sits after the security chain, another credential sending the same key runs the request
 * anew (and meets its own role check), and a credential whose role changed since gets a 409 rather
 * than an answer it could no longer get.
 * <p>
 * The request body is counted as it arrives and refused past
 * {@link IdempotencyProperties#maxBodySize()} (413) before it is buffered whole. Stored bodies are
 * sealed with the secrets key ring through {@link AnswerSealer}, because they carry new API-key and
 * client secrets; without a key a body is not kept at all and a replay says so (409
 * {@code idempotency-answer-withheld}, with the first answer's status and location). A tenant holds
 * at most {@link IdempotencyProperties#maxRecordsPerTenant()} live records; past it a new key is
 * answered 429 with {@code Retry-After}. Server errors (5xx) and 429 (try later) are not stored, so
 * the client may retry them with the same key.
 */
public class IdempotencyFilter implements WebFilter, Ordered {

	public static final String HEADER = "Idempotency-Key";

	/** Set on a response that is a replay of a stored one. */
	public static final String REPLAYED_HEADER = "Idempotent-Replayed";

	private final IdempotencyStore store;

	private final ProblemWriter problems;

	private final @Nullable AnswerSealer sealer;

	private final int maxBodySize;

	IdempotencyFilter(IdempotencyStore store, ProblemWriter problems, @Nullable AnswerSealer sealer,
			IdempotencyProperties properties) {
		this.store = store;
		this.problems = problems;
		this.sealer = sealer;
		this.maxBodySize = (int) properties.maxBodySize().toBytes();
	}

	@Override
	public int getOrder() {
		// after Spring Security's chain (-100), so the caller is known and authenticated
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
		// the answer is an empty Mono<Void> either way, so "no caller" is told apart before, not by emptiness
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull((context) -> context.getAuthentication())
			.mapNotNull((authentication) -> (authentication.getPrincipal() instanceof Caller caller) ? caller : null)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((found) -> {
				if (found.isEmpty()) {
					return chain.filter(exchange);
				}
				Caller caller = found.get();
				if (exchange.getRequest().getHeaders().getContentLength() > this.maxBodySize) {
					return this.problems.write(exchange, tooLarge());
				}
				// counts bytes as they arrive and cancels the upload at the limit, releasing what it
				// holds; empty stands for "too large", so a limit hit later, in the handler, is not taken for it
				return DataBufferUtils.join(exchange.getRequest().getBody(), this.maxBodySize)
					.map(IdempotencyFilter::drain)
					.defaultIfEmpty(new byte[0])
					.map(Optional::of)
					.onErrorResume(DataBufferLimitException.class, (ex) -> Mono.just(Optional.empty()))
					.flatMap((body) -> body.isPresent() ? run(exchange, chain, ownerOf(caller), key, body.get())
							: this.problems.write(exchange, tooLarge()));
			});
	}

	private Mono<Void> run(ServerWebExchange exchange, WebFilterChain chain, Owner owner, String key, byte[] body) {
		String method = exchange.getRequest().getMethod().name();
		String path = exchange.getRequest().getPath().value();
		String hash = hash(method, path, body);
		return this.store.claim(owner, key, method, path, hash).flatMap((claimed) -> {
			if (claimed) {
				return proceed(exchange, chain, owner, key, hash, body);
			}
			// each answer is an empty Mono<Void>, so "no record" and "room" are told apart as Optionals
			return this.store.find(owner.credential(), key)
				.map(Optional::of)
				.defaultIfEmpty(Optional.empty())
				.flatMap((stored) -> stored.isPresent()
						? answerFromRecord(exchange, owner, key, stored.get(), hash)
						: this.store.fullFor(owner.scope())
							.map(Optional::of)
							.defaultIfEmpty(Optional.empty())
							// without a full scope, the holder released the key a moment ago (its
							// request failed): the client retries
							.flatMap((wait) -> this.problems.write(exchange,
									wait.isPresent() ? exhausted(wait.get()) : inProgress())));
		});
	}

	private Mono<Void> answerFromRecord(ServerWebExchange exchange, Owner owner, String key,
			IdempotencyRecord stored, String hash) {
		if (!stored.callerFingerprint().equals(owner.fingerprint())) {
			// the credential's role changed: its first answer may be one it could no longer get, and
			// running again could do the thing twice, so neither happens
			return this.problems.write(exchange, Problems.conflict("idempotency-key-reused", "Idempotency key reused",
					"This Idempotency-Key was used by this credential when it had another role; use a new key."));
		}
		if (!stored.requestHash().equals(hash)) {
			return this.problems.write(exchange, Problems.conflict("idempotency-key-reused", "Idempotency key reused",
					"This Idempotency-Key was used with a different request; use a new key for a new request."));
		}
		if (!stored.finished()) {
			return this.problems.write(exchange, inProgress());
		}
		byte[] body = open(owner, key, stored);
		if (body == null) {
			return this.problems.write(exchange, withheld(stored));
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
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
	}

	/** The stored body in plaintext; {@code null} when it was withheld or no longer opens. */
	private byte @Nullable [] open(Owner owner, String key, IdempotencyRecord stored) {
		if (stored.sealingKeyId() == null || stored.body() == null || this.sealer == null) {
			return null;
		}
		return this.sealer.open(new SealedAnswer(stored.sealingKeyId(), stored.body()),
				context(owner, key, stored.requestHash()));
	}

	private Mono<Void> proceed(ServerWebExchange exchange, WebFilterChain chain, Owner owner, String key, String hash,
			byte[] body) {
		ServerHttpRequestDecorator request = new ServerHttpRequestDecorator(exchange.getRequest()) {
			@Override
			public Flux<DataBuffer> getBody() {
				return Flux.defer(() -> Mono.just(exchange.getResponse().bufferFactory().wrap(body)));
			}
		};
		RecordingResponse response = new RecordingResponse(exchange.getResponse(), owner, key, hash);
		return chain.filter(exchange.mutate().request(request).response(response).build())
			.onErrorResume((error) -> this.store.release(owner.credential(), key).then(Mono.error(error)));
	}

	/** Stores what is written before passing it on, so a retry can be answered the same way. */
	private final class RecordingResponse extends ServerHttpResponseDecorator {

		private final Owner owner;

		private final String key;

		private final String hash;

		RecordingResponse(ServerHttpResponse delegate, Owner owner, String key, String hash) {
			super(delegate);
			this.owner = owner;
			this.key = key;
			this.hash = hash;
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
				return IdempotencyFilter.this.store.release(this.owner.credential(), this.key);
			}
			MediaType contentType = getHeaders().getContentType();
			AnswerSealer sealer = IdempotencyFilter.this.sealer;
			SealedAnswer sealed = (sealer != null) ? sealer.seal(bytes, context(this.owner, this.key, this.hash))
					: null;
			return IdempotencyFilter.this.store.complete(this.owner.credential(), this.key, status.value(),
					(contentType != null) ? contentType.toString() : null, getHeaders().getFirst(HttpHeaders.LOCATION),
					sealed);
		}

	}

	private ProblemException tooLarge() {
		return new ProblemException(HttpStatus.CONTENT_TOO_LARGE, "request-too-large", "Request too large",
				"A request with an Idempotency-Key may carry at most " + this.maxBodySize
						+ " bytes of body (duplex.idempotency.max-body-size).",
				Map.of("limit", this.maxBodySize));
	}

	private static ProblemException inProgress() {
		return Problems.conflict("idempotency-request-in-progress", "Request in progress",
				"A request with this Idempotency-Key is still running; retry shortly.");
	}

	private static ProblemException exhausted(Duration wait) {
		long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
		ProblemException problem = new ProblemException(HttpStatus.TOO_MANY_REQUESTS, "idempotency-records-exhausted",
				"Too many idempotency keys",
				"This tenant holds as many live Idempotency-Key records as allowed "
						+ "(duplex.idempotency.max-records-per-tenant); retry after the oldest expires, "
						+ "or send the request without a key.");
		problem.getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
		return problem;
	}

	private static ProblemException withheld(IdempotencyRecord stored) {
		Map<String, Object> properties = (stored.location() != null)
				? Map.of("original_status", stored.status(), "location", stored.location())
				: Map.of("original_status", stored.status());
		return new ProblemException(HttpStatus.CONFLICT, "idempotency-answer-withheld", "Answer not kept",
				"The request with this Idempotency-Key already ran (status " + stored.status()
						+ "); its answer is not kept for replay because it could not be stored encrypted "
						+ "(no secrets key, duplex.secrets.keys) or no longer opens.",
				properties);
	}

	/** The record's owner: the credential, the tenant it counts against, and its roles' fingerprint. */
	static Owner ownerOf(Caller caller) {
		String scope = (caller.tenantId() != null) ? caller.tenantId() : "platform";
		return new Owner(caller.credentialId(), scope,
				sha256(caller.credentialId() + "\n" + scope + "\n" + caller.role().wireName()));
	}

	/** Binds a sealed body to its row: a ciphertext copied into another record does not open. */
	private static String context(Owner owner, String key, String hash) {
		return "idempotency_record/" + owner.credential() + "/" + hash + "/" + key;
	}

	static String hash(String method, String path, byte[] body) {
		MessageDigest digest = sha256();
		digest.update((method + " " + path + "\n").getBytes(StandardCharsets.UTF_8));
		digest.update(body);
		return HexFormat.of().formatHex(digest.digest());
	}

	private static String sha256(String text) {
		return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
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

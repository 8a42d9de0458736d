package io.duplex.core.web;

import java.util.List;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.duplex.core.id.Ids;
import io.micrometer.context.ContextRegistry;
import reactor.core.publisher.Mono;

/**
 * Gives every request an id and writes its access log line (logger {@code duplex.access}): the id is
 * the caller's {@code X-Request-Id} when it is sane, else a new
 * {@code req_...}. The id is echoed in the response header, put in problem details, and carried
 * in the Reactor context to the logging MDC so every log line of the request names it.
 */
public class RequestIdFilter implements WebFilter, Ordered {

	public static final String HEADER = "X-Request-Id";

	public static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";

	/** Reactor context key, and MDC key, of the request id. */
	public static final String CONTEXT_KEY = "requestId";

	/** The key of Micrometer's {@code ObservationThreadLocalAccessor}, loaded by the registry from the classpath. */
	static final String OBSERVATION_ACCESSOR_KEY = "micrometer.observation";

	/**
	 * The keys of the thread local accessors Spring Security registers: the exchange, the reactive
	 * security context (keyed by class) and the imperative one (keyed by class name).
	 */
	static final List<Object> UNUSED_ACCESSOR_KEYS = List.of(ServerWebExchange.class, SecurityContext.class,
			SecurityContext.class.getName());

	private static final Logger access = LoggerFactory.getLogger("duplex.access");

	private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

	static {
		// lets context propagation copy the id from the Reactor context into the MDC of the thread
		// that runs each operator, so log lines carry it without manual plumbing
		ContextRegistry.getInstance()
			.registerThreadLocalAccessor(CONTEXT_KEY, () -> MDC.get(CONTEXT_KEY), (value) -> MDC.put(CONTEXT_KEY, value),
					() -> MDC.remove(CONTEXT_KEY));
		// Micrometer's accessor makes the current observation a thread local, for tracers; Duplex
		// runs none, and restoring it (opening and closing an observation scope) around every signal
		// of every reactive chain was the largest cost of context propagation on the realtime path
		ContextRegistry.getInstance().removeThreadLocalAccessor(OBSERVATION_ACCESSOR_KEY);
		// Spring Security's accessors make the exchange and the security context thread locals, for
		// imperative code inside reactive chains; Duplex reads both from the Reactor context only
		// (ReactiveSecurityContextHolder), and setting and clearing them around every signal cost a
		// tenth of the server's CPU on the realtime path (every audio frame in, every event out)
		UNUSED_ACCESSOR_KEYS.forEach(ContextRegistry.getInstance()::removeThreadLocalAccessor);
	}

	@Override
	public int getOrder() {
		// before security, so even a 401 carries the id
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String offered = exchange.getRequest().getHeaders().getFirst(HEADER);
		String id = (offered != null && SANE.matcher(offered).matches()) ? offered : Ids.newId("req");
		exchange.getAttributes().put(ATTRIBUTE, id);
		exchange.getResponse().getHeaders().set(HEADER, id);
		long started = System.nanoTime();
		return chain.filter(exchange)
			.doOnSuccess((done) -> logAccess(exchange, started, ""))
			.doOnError((error) -> logAccess(exchange, started, " " + error.getClass().getSimpleName()))
			// a client that went away (or gave up waiting) gets its line too, rather than none
			.doOnCancel(() -> logAccess(exchange, started, " cancelled"))
			.contextWrite((context) -> context.put(CONTEXT_KEY, id));
	}

	/** One line per request; the MDC (restored from the Reactor context) adds the request id. */
	private static void logAccess(ServerWebExchange exchange, long started, String outcome) {
		if (access.isInfoEnabled()) {
			var status = exchange.getResponse().getStatusCode();
			access.info("{} {} {} {}ms{}", exchange.getRequest().getMethod(), exchange.getRequest().getPath().value(),
					(status != null) ? status.value() : "-", (System.nanoTime() - started) / 1_000_000, outcome);
		}
	}

}

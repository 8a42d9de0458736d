package io.duplex.core.web;

import java.util.regex.Pattern;

import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.duplex.core.id.Ids;
import io.micrometer.context.ContextRegistry;
import reactor.core.publisher.Mono;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is sane, else a new
 * {@code req_...}. The id is echoed in the response header, put in problem details, and carried
 * in the Reactor context to the logging MDC so every log line of the request names it.
 */
public class RequestIdFilter implements WebFilter, Ordered {

	public static final String HEADER = "X-Request-Id";

	public static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";

	/** Reactor context key, and MDC key, of the request id. */
	public static final String CONTEXT_KEY = "requestId";

	private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

	static {
		// lets context propagation copy the id from the Reactor context into the MDC of the thread
		// that runs each operator, so log lines carry it without manual plumbing
		ContextRegistry.getInstance()
			.registerThreadLocalAccessor(CONTEXT_KEY, () -> MDC.get(CONTEXT_KEY), (value) -> MDC.put(CONTEXT_KEY, value),
					() -> MDC.remove(CONTEXT_KEY));
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
		return chain.filter(exchange).contextWrite((context) -> context.put(CONTEXT_KEY, id));
	}

}

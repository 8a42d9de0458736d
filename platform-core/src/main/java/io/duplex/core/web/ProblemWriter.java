package io.duplex.core.web;

import java.net.URI;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.resource.NoResourceFoundException;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes problems where no controller advice reaches (filters, unknown routes), and gives every
 * problem the same finish: a stable {@code type}, the {@code instance} path and the request id.
 */
public final class ProblemWriter {

	private final JsonMapper json;

	public ProblemWriter(JsonMapper json) {
		this.json = json;
	}

	public Mono<Void> write(ServerWebExchange exchange, ProblemException problem) {
		return write(exchange, problem.getBody(), problem.getStatusCode(), problem.getHeaders(), problem);
	}

	Mono<Void> write(ServerWebExchange exchange, ProblemDetail body, HttpStatusCode status, HttpHeaders headers,
			@Nullable Throwable cause) {
		decorate(body, cause, status, exchange);
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(status);
		response.getHeaders().addAll(headers);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (status.value() == 401) {
			response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		}
		DataBuffer buffer = response.bufferFactory().wrap(this.json.writeValueAsBytes(body));
		return response.writeWith(Mono.just(buffer));
	}

	/** Gives Spring's own problems (404, 405, 415, ...) a stable type and every problem its request id. */
	static void decorate(ProblemDetail problem, @Nullable Throwable cause, HttpStatusCode status,
			ServerWebExchange exchange) {
		if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
			problem.setType(URI.create(ProblemException.TYPE_BASE + slugFor(status)));
		}
		if (cause instanceof NoResourceFoundException) {
			problem.setDetail("No endpoint answers " + exchange.getRequest().getMethod() + " "
					+ exchange.getRequest().getPath().value() + ".");
		}
		if (problem.getInstance() == null) {
			problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
		}
		String requestId = exchange.getAttribute(RequestIdFilter.ATTRIBUTE);
		if (requestId != null) {
			problem.setProperty("request_id", requestId);
		}
	}

	static String slugFor(HttpStatusCode status) {
		HttpStatus known = HttpStatus.resolve(status.value());
		return switch (status.value()) {
			case 400 -> "malformed-request";
			case 401 -> "unauthorized";
			case 403 -> "forbidden";
			case 404 -> "not-found";
			case 422 -> "validation-failed";
			case 500 -> "internal-error";
			default -> (known != null ? known.name() : "HTTP_" + status.value()).toLowerCase(Locale.ROOT)
				.replace('_', '-');
		};
	}

}

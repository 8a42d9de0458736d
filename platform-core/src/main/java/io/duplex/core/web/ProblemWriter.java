package io.duplex.core.web;

import java.net.URI;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Writes problems from filters that run before any controller advice can. */
public final class ProblemWriter {

	private final JsonMapper json;

	public ProblemWriter(JsonMapper json) {
		this.json = json;
	}

	public Mono<Void> write(ServerWebExchange exchange, ProblemException problem) {
		ProblemDetail body = problem.getBody();
		body.setInstance(URI.create(exchange.getRequest().getPath().value()));
		String requestId = exchange.getAttribute(RequestIdFilter.ATTRIBUTE);
		if (requestId != null) {
			body.setProperty("request_id", requestId);
		}
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(problem.getStatusCode());
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (problem.getStatusCode().value() == 401) {
			response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		}
		DataBuffer buffer = response.bufferFactory().wrap(this.json.writeValueAsBytes(body));
		return response.writeWith(Mono.just(buffer));
	}

}

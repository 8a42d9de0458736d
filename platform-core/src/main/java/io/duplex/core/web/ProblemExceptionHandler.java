package io.duplex.core.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders errors that escape controllers (unknown routes, errors raised in web filters) as RFC 9457
 * problems, ahead of Spring Boot's default error page, so every error of the API has one shape.
 */
public class ProblemExceptionHandler implements WebExceptionHandler, Ordered {

	private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

	private final ProblemWriter problems;

	public ProblemExceptionHandler(JsonMapper json) {
		this.problems = new ProblemWriter(json);
	}

	@Override
	public int getOrder() {
		// Boot's DefaultErrorWebExceptionHandler runs at -1
		return -2;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		if (ex instanceof ErrorResponse error) {
			return this.problems.write(exchange, error.getBody(), error.getStatusCode(), error.getHeaders(), ex);
		}
		log.error("Unhandled error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex);
		return this.problems.write(exchange,
				new ProblemException(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
						"The request failed on the server; the request id identifies it in the logs.")
					.getBody(),
				HttpStatus.INTERNAL_SERVER_ERROR, HttpHeaders.EMPTY, ex);
	}

}

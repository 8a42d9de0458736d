package io.duplex.core.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Renders every error of the REST API as an RFC 9457 problem with a stable {@code type}: bean
 * validation and JSON binding errors become 422 naming the field (in its snake_case wire name),
 * unparseable JSON becomes 400, and anything unexpected a 500 that keeps internals out of
 * {@code detail}.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

	@Override
	protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		List<FieldError> errors = new ArrayList<>();
		ex.getFieldErrors()
			.forEach((error) -> errors.add(new FieldError(snakeCase(error.getField()), error.getDefaultMessage())));
		ex.getGlobalErrors().forEach((error) -> errors.add(new FieldError("", error.getDefaultMessage())));
		return problem(Problems.validation(errors), exchange);
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		Throwable cause = ex.getCause();
		if (cause instanceof DecodingException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof UnrecognizedPropertyException unknown) {
			return problem(Problems.validation(jsonPath(unknown), "is not a known field"), exchange);
		}
		if (cause instanceof MismatchedInputException mismatch && !(cause instanceof StreamReadException)) {
			return problem(Problems.validation(jsonPath(mismatch), "has the wrong type or shape"), exchange);
		}
		if (cause instanceof JacksonException json) {
			return problem(Problems.malformedRequest("The body is not valid JSON: " + json.getOriginalMessage()),
					exchange);
		}
		if (ex.getMethodParameter() != null && ex.getMethodParameter().getParameterName() != null
				&& !"body".equals(ex.getMethodParameter().getParameterName())) {
			return problem(Problems.validation(snakeCase(ex.getMethodParameter().getParameterName()),
					"is missing or has the wrong type"), exchange);
		}
		return problem(Problems.malformedRequest(ex.getReason() != null ? ex.getReason() : "The request is malformed."),
				exchange);
	}

	@ExceptionHandler
	Mono<ResponseEntity<Object>> unexpected(Exception ex, ServerWebExchange exchange) {
		log.error("Unhandled error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex);
		return problem(new ProblemException(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
				"The request failed on the server; the request id identifies it in the logs."), exchange);
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleExceptionInternal(Exception ex, @Nullable Object body,
			@Nullable HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		if (body == null && ex instanceof ErrorResponse error) {
			// Spring's own exceptions (404, 405, 415, ...) arrive without a body: use theirs
			body = error.getBody();
		}
		if (body instanceof ProblemDetail problem) {
			ProblemWriter.decorate(problem, ex, status, exchange);
		}
		return super.handleExceptionInternal(ex, body, headers, status, exchange);
	}

	private Mono<ResponseEntity<Object>> problem(ProblemException problem, ServerWebExchange exchange) {
		return handleExceptionInternal(problem, problem.getBody(), problem.getHeaders(), problem.getStatusCode(),
				exchange);
	}

	private static String jsonPath(MismatchedInputException ex) {
		StringBuilder path = new StringBuilder();
		for (var reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.isEmpty() ? "body" : path.toString();
	}

	/** {@code tools[0].maxOutputTokens} becomes {@code tools[0].max_output_tokens}. */
	static String snakeCase(String javaPath) {
		return javaPath.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
	}

}

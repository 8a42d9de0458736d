package io.duplex.core.web;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * The problem types every module shares. Module-specific ones are made with
 * {@link ProblemException} directly; each slug has a page under {@code docs/problems/}.
 */
public final class Problems {

	private Problems() {
	}

	public static ProblemException notFound(String what) {
		return new ProblemException(HttpStatus.NOT_FOUND, "not-found", "Not found", "No " + what + " exists here.");
	}

	public static ProblemException forbidden(String detail) {
		return new ProblemException(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
	}

	public static ProblemException unauthorized(String detail) {
		return new ProblemException(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail);
	}

	public static ProblemException malformedRequest(String detail) {
		return new ProblemException(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request", detail);
	}

	public static ProblemException conflict(String slug, String title, String detail) {
		return new ProblemException(HttpStatus.CONFLICT, slug, title, detail);
	}

	/** 422 naming every rejected field; the first one is also given as {@code param}. */
	public static ProblemException validation(List<FieldError> errors) {
		String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
				: errors.size() + " fields are invalid; see errors.";
		return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "validation-failed", "Validation failed", detail,
				Map.of("param", errors.get(0).field(), "errors", errors));
	}

	public static ProblemException validation(String field, String message) {
		return validation(List.of(new FieldError(field, message)));
	}

}

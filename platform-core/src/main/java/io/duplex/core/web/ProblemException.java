package io.duplex.core.web;

import java.net.URI;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * An RFC 9457 problem with a stable {@code type}; WebFlux renders it as
 * {@code application/problem+json}.
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a>
 */
public class ProblemException extends ErrorResponseException {

	/** Where every problem type is documented; {@code type} is this plus the problem's slug. */
	public static final String TYPE_BASE = "https://duplex.dev/problems/";

	public ProblemException(HttpStatus status, String slug, String title, String detail) {
		this(status, slug, title, detail, Map.of());
	}

	public ProblemException(HttpStatus status, String slug, String title, String detail,
			Map<String, ?> properties) {
		super(status);
		setType(URI.create(TYPE_BASE + slug));
		setTitle(title);
		setDetail(detail);
		properties.forEach(getBody()::setProperty);
	}

	/** The last path segment of the type, e.g. {@code not-found}. */
	public String slug() {
		String type = getBody().getType().toString();
		return type.substring(type.lastIndexOf('/') + 1);
	}

}

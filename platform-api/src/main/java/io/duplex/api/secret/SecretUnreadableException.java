package io.duplex.api.secret;

import org.springframework.http.HttpStatus;

import io.duplex.core.web.ProblemException;

/**
 * A stored secret that does not open: its key left the ring, or the row was changed. The message
 * says which secret and why, never any part of it. Over HTTP it is a 409 {@code secret-unreadable}:
 * the operator has to restore the key, or the secret has to be written again.
 */
public class SecretUnreadableException extends ProblemException {

	SecretUnreadableException(String context, String reason) {
		super(HttpStatus.CONFLICT, "secret-unreadable", "Secret unreadable",
				"The stored secret " + context + " cannot be opened: " + reason + ".");
	}

	@Override
	public String getMessage() {
		return getBody().getDetail();
	}

}

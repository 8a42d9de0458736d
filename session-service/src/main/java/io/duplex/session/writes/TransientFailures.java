package io.duplex.session.writes;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientException;
import reactor.core.Exceptions;

/**
 * Which database failures may pass: the database or the way to it is away (connection refused,
 * closed or reset, a timeout, a transient R2DBC error), as opposed to a write the database refuses
 * for what it is (a constraint, a missing conversation), which no retry can make succeed.
 */
final class TransientFailures {

	private TransientFailures() {
	}

	/** Whether {@code error}, or any of its causes, says the database could not be reached. */
	static boolean isTransient(Throwable error) {
		Throwable cause = Exceptions.unwrap(error);
		for (int depth = 0; cause != null && depth < 16; depth++) {
			if (cause instanceof TransientDataAccessException || cause instanceof DataAccessResourceFailureException
					|| cause instanceof CannotCreateTransactionException || cause instanceof R2dbcTransientException
					|| cause instanceof R2dbcNonTransientResourceException || cause instanceof IOException
					|| cause instanceof TimeoutException) {
				return true;
			}
			cause = (cause.getCause() != cause) ? cause.getCause() : null;
		}
		return false;
	}

}

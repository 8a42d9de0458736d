package io.duplex.core.idempotency;

import org.jspecify.annotations.Nullable;

/**
 * What the first request with an idempotency key asked and, once it finished, what it answered.
 * @param requestHash SHA-256 of method, path and body of the first request
 * @param status the answer's status; {@code null} while the first request is still running
 */
record IdempotencyRecord(String requestHash, @Nullable Integer status, @Nullable String contentType,
		@Nullable String location, byte @Nullable [] body) {

	boolean finished() {
		return this.status != null;
	}

}

package io.duplex.core.idempotency;

import org.jspecify.annotations.Nullable;

/**
 * What the first request with an idempotency key asked and, once it finished, what it answered.
 * @param callerFingerprint SHA-256 of the credential, its tenant and its role when the key was
 * first used
 * @param requestHash SHA-256 of method, path and body of the first request
 * @param status the answer's status; {@code null} while the first request is still running
 * @param sealingKeyId the secrets key that sealed {@code body}; {@code null} when the answer's
 * body was withheld (no key configured)
 * @param body the sealed answer body
 */
record IdempotencyRecord(String callerFingerprint, String requestHash, @Nullable Integer status,
		@Nullable String contentType, @Nullable String location, @Nullable String sealingKeyId,
		byte @Nullable [] body) {

	boolean finished() {
		return this.status != null;
	}

}

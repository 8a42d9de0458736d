package io.duplex.core.idempotency;

import org.jspecify.annotations.Nullable;

/**
 * Port: encrypts the answers kept for idempotent replay, which can carry secrets (a new API key,
 * a client secret). Implemented where the secrets key ring lives; without an implementation, or
 * without a configured key, answers are not kept at all (see {@link IdempotencyFilter}).
 */
public interface AnswerSealer {

	/**
	 * Seals {@code plaintext} with the current key, bound to {@code context} (associated data), so
	 * a ciphertext copied into another record does not open.
	 * @return the sealed answer; {@code null} when no key is configured
	 */
	@Nullable SealedAnswer seal(byte[] plaintext, String context);

	/**
	 * Opens what {@link #seal} sealed for {@code context}.
	 * @return the plaintext; {@code null} when it cannot be opened (its key left the ring, or it was
	 * changed or moved)
	 */
	byte @Nullable [] open(SealedAnswer sealed, String context);

	/**
	 * An answer as stored.
	 * @param keyId the id of the ring key that sealed it
	 * @param ciphertext nonce, ciphertext and tag, as the implementation lays them out
	 */
	record SealedAnswer(String keyId, byte[] ciphertext) {

		@Override
		public String toString() {
			return "SealedAnswer[keyId=" + this.keyId + "]";
		}

	}

}

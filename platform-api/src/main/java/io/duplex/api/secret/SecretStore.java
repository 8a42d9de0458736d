package io.duplex.api.secret;

import reactor.core.publisher.Mono;

/**
 * Port: a feature that keeps {@link SealedSecret}s in its own tables. Re-encryption (after the
 * current key changed) asks each one to re-seal what the current key did not seal.
 */
public interface SecretStore {

	/** What this store holds, for messages, e.g. {@code catalog endpoint keys}. */
	String name();

	/**
	 * Re-seals, with the box's current key, every secret sealed with another key. A row changed
	 * concurrently keeps its new value. Errors when a secret cannot be opened (its key is no longer
	 * in the ring, or it was tampered with).
	 * @return how many secrets were re-sealed
	 */
	Mono<Long> reEncrypt(SecretBox box);

}

package io.duplex.api.secret;

/**
 * A secret as stored: AES-256-GCM ciphertext and the id of the ring key that sealed it.
 * @param keyId the ring key's id, so that rotation knows what to re-encrypt and old keys still open
 * what they sealed
 * @param ciphertext base64 of the 12-byte nonce, the ciphertext and the 16-byte tag
 */
public record SealedSecret(String keyId, String ciphertext) {

	/** Keeps even the ciphertext out of logs: it is useless without the key, but need not travel. */
	@Override
	public String toString() {
		return "SealedSecret[keyId=" + this.keyId + "]";
	}

}

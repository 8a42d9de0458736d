package io.duplex.api.secret;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import io.duplex.core.web.ProblemException;

/**
 * Seals and opens secrets with AES-256-GCM under the configured key ring
 * ({@code duplex.secrets.*}): a random 96-bit nonce per secret, a 128-bit tag, and the secret's
 * place (e.g. {@code tenant_provider_key/ten_…/openai}) as associated data, so a ciphertext copied
 * into another row does not open. New secrets are sealed with the current key; any key of the ring
 * opens what it sealed, which is what makes the key rotatable.
 * <p>
 * Without a configured key the platform runs, and only storing a secret is refused (409
 * {@code secret-encryption-not-configured}): a key generated on the fly would be lost with the
 * node, or differ between nodes, and take the stored secrets with it.
 * @see <a href="https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf">NIST SP 800-38D (GCM)</a>
 */
@Component
public class SecretBox {

	private static final Logger log = LoggerFactory.getLogger(SecretBox.class);

	private static final Pattern KEY_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");

	private static final String TRANSFORMATION = "AES/GCM/NoPadding";

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final int KEY_BYTES = 32;

	private final Map<String, SecretKey> keys;

	private final @Nullable String currentKey;

	/**
	 * A DRBG seeded once here, on the start-up thread: later nonces are computed, never read from
	 * the operating system's entropy source, so sealing never blocks an event-loop thread.
	 */
	private final SecureRandom random;

	SecretBox(SecretsProperties properties) {
		Map<String, SecretKey> ring = new TreeMap<>();
		properties.keys().forEach((id, value) -> ring.put(validId(id), key(id, value)));
		this.keys = Map.copyOf(ring);
		this.currentKey = current(properties.currentKey(), ring);
		this.random = drbg();
		this.random.nextBytes(new byte[NONCE_BYTES]);
		if (this.currentKey == null) {
			log.warn("No secrets key is configured (duplex.secrets.keys): provider API keys cannot be stored "
					+ "until one is; see docs/configuration.md");
		}
		else {
			log.info("Provider API keys are sealed with secrets key '{}' ({} keys in the ring)", this.currentKey,
					ring.size());
		}
	}

	/** The id of the key new secrets are sealed with; {@code null} when none is configured. */
	public @Nullable String currentKeyId() {
		return this.currentKey;
	}

	/** Whether {@code sealed} is under the current key, so re-encryption can leave it be. */
	public boolean isCurrent(SealedSecret sealed) {
		return sealed.keyId().equals(this.currentKey);
	}

	/**
	 * Seals {@code plaintext} for {@code context} with the current key.
	 * @throws ProblemException 409 {@code secret-encryption-not-configured} when no key is configured
	 */
	public SealedSecret seal(String plaintext, String context) {
		if (this.currentKey == null) {
			throw new ProblemException(HttpStatus.CONFLICT, "secret-encryption-not-configured",
					"Secret encryption not configured",
					"This server has no secrets key (duplex.secrets.keys), so it cannot store API keys. "
							+ "An operator must configure one first.");
		}
		return new SealedSecret(this.currentKey,
				Base64.getEncoder().encodeToString(sealBytes(plaintext.getBytes(StandardCharsets.UTF_8), context)));
	}

	/**
	 * Seals {@code plaintext} for {@code context} with the current key (which must exist): the
	 * nonce, the ciphertext and the tag, in that order.
	 */
	byte[] sealBytes(byte[] plaintext, String context) {
		byte[] nonce = new byte[NONCE_BYTES];
		this.random.nextBytes(nonce);
		try {
			Cipher cipher = cipher(Cipher.ENCRYPT_MODE, this.keys.get(this.currentKey), nonce, context);
			byte[] sealed = cipher.doFinal(plaintext);
			byte[] stored = new byte[NONCE_BYTES + sealed.length];
			System.arraycopy(nonce, 0, stored, 0, NONCE_BYTES);
			System.arraycopy(sealed, 0, stored, NONCE_BYTES, sealed.length);
			return stored;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is not available", ex);
		}
	}

	/**
	 * Opens a secret sealed for {@code context}.
	 * @throws SecretUnreadableException when its key is no longer in the ring, or it was changed,
	 * or it belongs to another context
	 */
	public String open(SealedSecret sealed, String context) {
		SecretKey key = this.keys.get(sealed.keyId());
		if (key == null) {
			throw new SecretUnreadableException(context, "it was sealed with secrets key '" + sealed.keyId()
					+ "', which duplex.secrets.keys no longer holds");
		}
		byte[] stored;
		try {
			stored = Base64.getDecoder().decode(sealed.ciphertext());
		}
		catch (IllegalArgumentException ex) {
			throw new SecretUnreadableException(context, "its ciphertext is not base64");
		}
		return new String(openBytes(key, stored, context), StandardCharsets.UTF_8);
	}

	/**
	 * Opens what {@link #sealBytes} sealed for {@code context} with the ring key {@code keyId}.
	 * @throws SecretUnreadableException when the key is not in the ring, or the bytes were changed,
	 * or belong to another context
	 */
	byte[] openBytes(String keyId, byte[] stored, String context) {
		SecretKey key = this.keys.get(keyId);
		if (key == null) {
			throw new SecretUnreadableException(context,
					"it was sealed with secrets key '" + keyId + "', which duplex.secrets.keys no longer holds");
		}
		return openBytes(key, stored, context);
	}

	private static byte[] openBytes(SecretKey key, byte[] stored, String context) {
		if (stored.length < NONCE_BYTES + TAG_BITS / 8) {
			throw new SecretUnreadableException(context, "its ciphertext is too short");
		}
		try {
			byte[] nonce = Arrays.copyOf(stored, NONCE_BYTES);
			Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, nonce, context);
			return cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
		}
		catch (AEADBadTagException ex) {
			throw new SecretUnreadableException(context,
					"it fails authentication (changed, moved from another row, or sealed with another key of that id)");
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is not available", ex);
		}
	}

	/** Re-seals {@code sealed} with the current key; the same secret, a new nonce. */
	public SealedSecret reseal(SealedSecret sealed, String context) {
		return seal(open(sealed, context), context);
	}

	private static Cipher cipher(int mode, SecretKey key, byte[] nonce, String context)
			throws GeneralSecurityException {
		Cipher cipher = Cipher.getInstance(TRANSFORMATION);
		cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
		cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
		return cipher;
	}

	private static String validId(String id) {
		if (!KEY_ID.matcher(id).matches()) {
			throw new IllegalStateException("duplex.secrets.keys: key id '" + id
					+ "' must be 1 to 32 lowercase letters, digits, '.', '_' or '-'");
		}
		return id;
	}

	private static SecretKey key(String id, String base64) {
		byte[] bytes;
		try {
			bytes = Base64.getDecoder().decode(base64.strip());
		}
		catch (IllegalArgumentException ex) {
			// without the decoder's message as cause: it quotes a character of the key
			throw new IllegalStateException("duplex.secrets.keys." + id + " is not base64");
		}
		if (bytes.length != KEY_BYTES) {
			throw new IllegalStateException("duplex.secrets.keys." + id + " must be " + KEY_BYTES
					+ " bytes in base64 (openssl rand -base64 32), not " + bytes.length);
		}
		return new SecretKeySpec(bytes, "AES");
	}

	private static @Nullable String current(@Nullable String configured, Map<String, SecretKey> ring) {
		if (configured != null && !configured.isBlank()) {
			if (!ring.containsKey(configured)) {
				throw new IllegalStateException("duplex.secrets.current-key names '" + configured
						+ "', which is not in duplex.secrets.keys " + ring.keySet());
			}
			return configured;
		}
		if (ring.size() > 1) {
			throw new IllegalStateException("duplex.secrets.keys holds " + ring.keySet()
					+ ": set duplex.secrets.current-key to the one that seals new secrets");
		}
		return ring.isEmpty() ? null : ring.keySet().iterator().next();
	}

	private static SecureRandom drbg() {
		try {
			return SecureRandom.getInstance("DRBG");
		}
		catch (NoSuchAlgorithmException ex) {
			return new SecureRandom();
		}
	}

}

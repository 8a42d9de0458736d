package io.duplex.api.secret;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.duplex.core.idempotency.AnswerSealer;

/**
 * Seals the answers kept for idempotent replay with the secrets key ring, as provider keys are:
 * they carry new API-key and client secrets. Without a configured key nothing is sealed, and the
 * idempotency filter keeps no body at all.
 */
@Component
class IdempotentAnswerSealer implements AnswerSealer {

	private static final Logger log = LoggerFactory.getLogger(IdempotentAnswerSealer.class);

	private final SecretBox box;

	IdempotentAnswerSealer(SecretBox box) {
		this.box = box;
		if (box.currentKeyId() == null) {
			log.warn("No secrets key is configured (duplex.secrets.keys): answers to Idempotency-Key requests "
					+ "are not kept, and a replay answers 409 idempotency-answer-withheld");
		}
	}

	@Override
	public @Nullable SealedAnswer seal(byte[] plaintext, String context) {
		String key = this.box.currentKeyId();
		return (key != null) ? new SealedAnswer(key, this.box.sealBytes(plaintext, context)) : null;
	}

	@Override
	public byte @Nullable [] open(SealedAnswer sealed, String context) {
		try {
			return this.box.openBytes(sealed.keyId(), sealed.ciphertext(), context);
		}
		catch (SecretUnreadableException ex) {
			// the answer is lost, not the request: the filter tells the client what ran
			log.warn("A stored idempotent answer does not open: {}", ex.getBody().getDetail());
			return null;
		}
	}

}

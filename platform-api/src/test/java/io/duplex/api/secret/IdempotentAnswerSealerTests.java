package io.duplex.api.secret;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.duplex.core.idempotency.AnswerSealer.SealedAnswer;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotentAnswerSealerTests {

	private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

	private static final byte[] ANSWER = "{\"secret\":\"dpx_example\"}".getBytes(StandardCharsets.UTF_8);

	@Test
	void sealWhenNoSecretsKeyIsConfiguredThenNothingIsSealedSoTheAnswerIsNotKept() {
		IdempotentAnswerSealer sealer = new IdempotentAnswerSealer(new SecretBox(new SecretsProperties(Map.of(), null)));
		assertThat(sealer.seal(ANSWER, "idempotency_record/a")).isNull();
	}

	@Test
	void openWhenSealedForTheSameContextThenThePlaintextComesBack() {
		IdempotentAnswerSealer sealer = new IdempotentAnswerSealer(
				new SecretBox(new SecretsProperties(Map.of("k1", KEY), null)));
		SealedAnswer sealed = sealer.seal(ANSWER, "idempotency_record/a");
		assertThat(sealed).isNotNull();
		assertThat(sealed.keyId()).isEqualTo("k1");
		assertThat(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("dpx_example");
		assertThat(sealer.open(sealed, "idempotency_record/a")).isEqualTo(ANSWER);
	}

	@Test
	void openWhenContextOrKeyDiffersThenNull() {
		IdempotentAnswerSealer sealer = new IdempotentAnswerSealer(
				new SecretBox(new SecretsProperties(Map.of("k1", KEY), null)));
		SealedAnswer sealed = sealer.seal(ANSWER, "idempotency_record/a");
		assertThat(sealer.open(sealed, "idempotency_record/b")).isNull();
		assertThat(sealer.open(new SealedAnswer("k2", sealed.ciphertext()), "idempotency_record/a")).isNull();
		assertThat(sealer.open(new SealedAnswer("k1", new byte[4]), "idempotency_record/a")).isNull();
	}

}

package io.duplex.api.secret;

import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.duplex.core.web.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** AES-GCM sealing with a rotatable key ring, on real keys and real ciphertexts. */
class SecretBoxTests {

	private static final String KEY_A = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

	private static final String KEY_B = "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=";

	private static final String SECRET = "sk-proj-Zq8mV2rX7pL4nW9tK3yB6cH1dF5gJ0sA";

	private static final String CONTEXT = "tenant_provider_key/ten_01/openai";

	@Test
	void sealThenOpenGivesTheSecretBackAndTheCiphertextHidesIt() {
		SecretBox box = box(Map.of("a", KEY_A), null);
		SealedSecret sealed = box.seal(SECRET, CONTEXT);
		assertThat(sealed.keyId()).isEqualTo("a");
		assertThat(sealed.ciphertext()).doesNotContain(SECRET);
		// nonce, the secret's bytes and the 16-byte tag
		assertThat(Base64.getDecoder().decode(sealed.ciphertext())).hasSize(12 + SECRET.length() + 16);
		assertThat(sealed.toString()).doesNotContain(sealed.ciphertext());
		assertThat(box.open(sealed, CONTEXT)).isEqualTo(SECRET);
	}

	@Test
	void sealTwiceThenEachCiphertextHasItsOwnNonce() {
		SecretBox box = box(Map.of("a", KEY_A), null);
		Set<String> nonces = new HashSet<>();
		Set<String> ciphertexts = new HashSet<>();
		for (int i = 0; i < 100; i++) {
			String ciphertext = box.seal(SECRET, CONTEXT).ciphertext();
			ciphertexts.add(ciphertext);
			nonces.add(Base64.getEncoder().encodeToString(Arrays.copyOf(Base64.getDecoder().decode(ciphertext), 12)));
		}
		assertThat(nonces).hasSize(100);
		assertThat(ciphertexts).hasSize(100);
	}

	@Test
	void openWhenNewCurrentKeyAddedThenOldCiphertextStillOpensAndResealMovesItToTheNewKey() {
		SealedSecret old = box(Map.of("a", KEY_A), null).seal(SECRET, CONTEXT);
		SecretBox rotated = box(Map.of("a", KEY_A, "b", KEY_B), "b");
		assertThat(rotated.isCurrent(old)).isFalse();
		assertThat(rotated.open(old, CONTEXT)).isEqualTo(SECRET);
		assertThat(rotated.seal(SECRET, CONTEXT).keyId()).isEqualTo("b");
		SealedSecret resealed = rotated.reseal(old, CONTEXT);
		assertThat(resealed.keyId()).isEqualTo("b");
		assertThat(rotated.isCurrent(resealed)).isTrue();
		SecretBox withoutOldKey = box(Map.of("b", KEY_B), null);
		assertThat(withoutOldKey.open(resealed, CONTEXT)).isEqualTo(SECRET);
		assertThatExceptionOfType(SecretUnreadableException.class).isThrownBy(() -> withoutOldKey.open(old, CONTEXT))
			.withMessageContaining("sealed with secrets key 'a'")
			.satisfies((ex) -> assertThat(ex.slug()).isEqualTo("secret-unreadable"));
	}

	@Test
	void openWhenCiphertextTamperedThenFailsWithoutRevealingAnything() {
		SecretBox box = box(Map.of("a", KEY_A), null);
		SealedSecret sealed = box.seal(SECRET, CONTEXT);
		byte[] bytes = Base64.getDecoder().decode(sealed.ciphertext());
		for (int position : new int[] { 0, 12, bytes.length - 1 }) {
			byte[] tampered = bytes.clone();
			tampered[position] ^= 0x01;
			SealedSecret changed = new SealedSecret("a", Base64.getEncoder().encodeToString(tampered));
			assertThatExceptionOfType(SecretUnreadableException.class).isThrownBy(() -> box.open(changed, CONTEXT))
				.withMessageContaining("fails authentication")
				.withMessageNotContaining(SECRET);
		}
		SealedSecret truncated = new SealedSecret("a", Base64.getEncoder().encodeToString(Arrays.copyOf(bytes, 20)));
		assertThatExceptionOfType(SecretUnreadableException.class).isThrownBy(() -> box.open(truncated, CONTEXT));
		SealedSecret notBase64 = new SealedSecret("a", "%%%");
		assertThatExceptionOfType(SecretUnreadableException.class).isThrownBy(() -> box.open(notBase64, CONTEXT));
	}

	@Test
	void openWhenCiphertextMovedToAnotherContextThenFails() {
		SecretBox box = box(Map.of("a", KEY_A), null);
		SealedSecret sealed = box.seal(SECRET, CONTEXT);
		assertThatExceptionOfType(SecretUnreadableException.class)
			.isThrownBy(() -> box.open(sealed, "tenant_provider_key/ten_02/openai"));
	}

	@Test
	void openWhenKeyIdPointsAtAnotherKeyOfTheRingThenFails() {
		SecretBox box = box(Map.of("a", KEY_A, "b", KEY_B), "a");
		SealedSecret sealed = box.seal(SECRET, CONTEXT);
		assertThatExceptionOfType(SecretUnreadableException.class)
			.isThrownBy(() -> box.open(new SealedSecret("b", sealed.ciphertext()), CONTEXT));
	}

	@Test
	void sealWhenNoKeyConfiguredThenConflictProblemAndStillUsableOtherwise() {
		SecretBox box = box(Map.of(), null);
		assertThat(box.currentKeyId()).isNull();
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> box.seal(SECRET, CONTEXT))
			.satisfies((ex) -> {
				assertThat(ex.slug()).isEqualTo("secret-encryption-not-configured");
				assertThat(ex.getStatusCode().value()).isEqualTo(409);
			});
	}

	@Test
	void constructWhenRingMisconfiguredThenFailsNamingTheKeyIdNeverItsValue() {
		String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
		assertThatIllegalStateException().isThrownBy(() -> box(Map.of("a", shortKey), null))
			.withMessageContaining("duplex.secrets.keys.a must be 32 bytes")
			.withMessageNotContaining(shortKey);
		assertThatIllegalStateException().isThrownBy(() -> box(Map.of("a", "not*base64"), null))
			.withMessageContaining("duplex.secrets.keys.a is not base64")
			.withMessageNotContaining("not*base64");
		assertThatIllegalStateException().isThrownBy(() -> box(Map.of("a", KEY_A, "b", KEY_B), null))
			.withMessageContaining("set duplex.secrets.current-key");
		assertThatIllegalStateException().isThrownBy(() -> box(Map.of("a", KEY_A), "c"))
			.withMessageContaining("duplex.secrets.current-key names 'c'");
		assertThatIllegalStateException().isThrownBy(() -> box(Map.of("Bad Id", KEY_A), null))
			.withMessageContaining("key id 'Bad Id'");
	}

	@Test
	void propertiesToStringNamesKeyIdsOnly() {
		assertThat(new SecretsProperties(Map.of("a", KEY_A, "b", KEY_B), "b").toString()).contains("[a, b]")
			.doesNotContain(KEY_A)
			.doesNotContain(KEY_B);
	}

	private static SecretBox box(Map<String, String> keys, String current) {
		return new SecretBox(new SecretsProperties(keys, current));
	}

}

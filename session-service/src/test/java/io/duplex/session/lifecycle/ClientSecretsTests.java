package io.duplex.session.lifecycle;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.duplex.session.secrets.ClientSecrets;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The shape of client secrets, and the JSON comparison that lets clients repeat an agent's settings. */
class ClientSecretsTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void newSecretThenEkPrefixAnd240RandomBitsAndAPrefixForLookup() {
		Set<String> prefixes = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			String secret = ClientSecrets.newSecret();
			assertThat(secret).matches("ek_[0-9a-z]{48}");
			assertThat(ClientSecrets.plausible(secret)).isTrue();
			assertThat(ClientSecrets.hash(secret)).hasSize(32);
			prefixes.add(ClientSecrets.prefixOf(secret));
		}
		assertThat(prefixes).hasSize(1000).allSatisfy((prefix) -> assertThat(prefix).hasSize(16).startsWith("ek_"));
	}

	@Test
	void plausibleWhenNotShapedLikeASecretThenFalse() {
		String secret = ClientSecrets.newSecret();
		assertThat(ClientSecrets.plausible(secret.substring(1))).isFalse();
		assertThat(ClientSecrets.plausible(secret + "0")).isFalse();
		assertThat(ClientSecrets.plausible(secret.toUpperCase(Locale.ROOT))).isFalse();
		assertThat(ClientSecrets.plausible("dpx_" + secret.substring(3, 50))).isFalse();
	}

	@Test
	void sameThenNumbersByValueAndNullAsAbsent() {
		assertThat(same("{\"rate\": 24000}", "{\"rate\": 24000.0}")).isTrue();
		assertThat(same("{\"a\": null}", "{}")).isTrue();
		assertThat(same("{\"a\": {\"b\": [1, 2]}}", "{\"a\": {\"b\": [1, 2.0]}}")).isTrue();
		assertThat(same("{\"a\": [1, 2]}", "{\"a\": [2, 1]}")).isFalse();
		assertThat(same("{\"a\": \"1\"}", "{\"a\": 1}")).isFalse();
		assertThat(same("{\"a\": {}}", "{}")).isFalse();
	}

	private boolean same(String a, String b) {
		return ClientSessionOverrides.same(this.json.readTree(a), this.json.readTree(b));
	}

}

package io.duplex.api.secret;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import io.duplex.api.ApiTestSupport;
import io.duplex.core.catalog.ModelCatalog;
import io.duplex.core.tenant.TenantCredentials;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rotation of the secrets key: what the old key sealed still opens while the old key is in the
 * ring, and one admin call re-seals everything with the current key, after which the old key can
 * go. The test context's ring is {@code old} and {@code test}, current {@code test}.
 */
class SecretReEncryptionApiTests extends ApiTestSupport {

	private final SecretBox oldBox = new SecretBox(new SecretsProperties(Map.of(OLD_SECRETS_KEY_ID, OLD_SECRETS_KEY), null));

	private final SecretBox newBoxOnly = new SecretBox(new SecretsProperties(Map.of(SECRETS_KEY_ID, SECRETS_KEY), null));

	@Autowired
	private TenantCredentials credentials;

	@Autowired
	private ModelCatalog catalog;

	@Autowired
	private DatabaseClient db;

	@Test
	void reEncryptThenSecretsOfTheOldKeyMoveToTheCurrentOneAndStillOpen() {
		String tenantKey = "sk-rotate-tenant-" + UUID.randomUUID();
		String modelKey = "sk-rotate-model-" + UUID.randomUUID();
		TestTenant tenant = newTenant();
		as(tenant.adminKey()).put()
			.uri("/v1/tenants/{id}/provider_keys/openai", tenant.id())
			.bodyValue(Map.of("api_key", tenantKey))
			.exchange()
			.expectStatus()
			.isCreated();
		String model = createModel(modelKey);
		// as if both had been written before the current key was added to the ring
		sealWithOldKey(TENANT_KEYS, tenant.id(), tenantKey, "tenant_provider_key/" + tenant.id() + "/openai");
		sealWithOldKey(MODEL_KEYS, model, modelKey,
				"model_endpoint/" + model + "//realtime");
		this.credentials.providerKey(tenant.id(), "openai").as(StepVerifier::create).expectNext(tenantKey).verifyComplete();

		asPlatformAdmin().post()
			.uri("/v1/admin/secrets/re_encrypt")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.object")
			.isEqualTo("secret_re_encryption")
			.jsonPath("$.current_key")
			.isEqualTo(SECRETS_KEY_ID)
			.jsonPath("$.re_encrypted.tenant_provider_key")
			.isEqualTo(1)
			.jsonPath("$.re_encrypted.model_endpoint")
			.isEqualTo(1);

		assertKeyIds(TENANT_KEYS, tenant.id(), SECRETS_KEY_ID);
		assertKeyIds(MODEL_KEYS, model, SECRETS_KEY_ID);
		// a ring without the old key opens everything now
		this.db.sql("SELECT key_id, sealed FROM control.tenant_provider_key WHERE tenant_id = :tenant")
			.bind("tenant", tenant.id())
			.map((row) -> this.newBoxOnly.open(new SealedSecret(row.get("key_id", String.class),
					row.get("sealed", String.class)), "tenant_provider_key/" + tenant.id() + "/openai"))
			.one()
			.as(StepVerifier::create)
			.expectNext(tenantKey)
			.verifyComplete();
		this.credentials.providerKey(tenant.id(), "openai").as(StepVerifier::create).expectNext(tenantKey).verifyComplete();
		this.catalog.findUpstream(model, "us-east", "openai-hosted")
			.map((upstream) -> upstream.realtime().apiKey())
			.as(StepVerifier::create)
			.expectNext(modelKey)
			.verifyComplete();

		// nothing left to do: repeating is a no-op
		asPlatformAdmin().post()
			.uri("/v1/admin/secrets/re_encrypt")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.re_encrypted.tenant_provider_key")
			.isEqualTo(0)
			.jsonPath("$.re_encrypted.model_endpoint")
			.isEqualTo(0);
		asPlatformAdmin().get()
			.uri("/v1/audit?action=secrets.re_encrypted")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data[0].resource_id")
			.isEqualTo(SECRETS_KEY_ID);
	}

	@Test
	void reEncryptWhenNotPlatformAdminThenForbidden() {
		TestTenant tenant = newTenant();
		as(tenant.adminKey()).post().uri("/v1/admin/secrets/re_encrypt").exchange().expectStatus().isForbidden();
	}

	@Test
	void reEncryptOrReadWhenStoredKeyTamperedThenSecretUnreadableAndRowLeftAsItWas() {
		String tenantKey = "sk-tamper-" + UUID.randomUUID();
		TestTenant tenant = newTenant();
		as(tenant.adminKey()).put()
			.uri("/v1/tenants/{id}/provider_keys/cascade", tenant.id())
			.bodyValue(Map.of("api_key", tenantKey))
			.exchange()
			.expectStatus()
			.isCreated();
		// sealed for another tenant's row, and marked as of the old key so that re-encryption reads it
		sealWithOldKey(TENANT_KEYS, tenant.id(), tenantKey,
				"tenant_provider_key/ten_someone_else/cascade");
		try {
			this.credentials.providerKey(tenant.id(), "cascade")
				.as(StepVerifier::create)
				.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(SecretUnreadableException.class)
					.hasMessageContaining("tenant_provider_key/" + tenant.id() + "/cascade")
					.hasMessageContaining("fails authentication")
					.hasMessageNotContaining(tenantKey))
				.verify();
			byte[] problem = asPlatformAdmin().post()
				.uri("/v1/admin/secrets/re_encrypt")
				.exchange()
				.expectStatus()
				.isEqualTo(409)
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo("https://duplex.dev/problems/secret-unreadable")
				.returnResult()
				.getResponseBodyContent();
			assertThat(new String(problem, StandardCharsets.UTF_8)).doesNotContain(tenantKey);
			assertKeyIds(TENANT_KEYS, tenant.id(), OLD_SECRETS_KEY_ID);
		}
		finally {
			// the row would fail every later re-encryption in this database
			as(tenant.adminKey()).delete()
				.uri("/v1/tenants/{id}/provider_keys/cascade", tenant.id())
				.exchange()
				.expectStatus()
				.isOk();
		}
	}

	private String createModel(String key) {
		String id = "rotate-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Object> model = new HashMap<>();
		model.put("id", id);
		model.put("provider", "openai");
		model.put("kind", "realtime");
		model.put("display_name", "Rotation probe");
		model.put("context_window", 16000);
		model.put("max_session_seconds", 600);
		model.put("input_audio_tokens_per_second", 10);
		model.put("output_audio_tokens_per_second", 20);
		model.put("modalities", List.of("text", "audio"));
		model.put("voices", List.of("alloy"));
		model.put("regions", List.of("us-east"));
		model.put("compute", List.of("openai-hosted"));
		model.put("base_url", "wss://api.openai.com/v1/realtime");
		model.put("api_key", key);
		Map<String, Object> prices = new HashMap<>();
		for (String kind : List.of("text_input", "text_cached_input", "text_output", "audio_input",
				"audio_cached_input", "audio_output")) {
			prices.put(kind, "1");
		}
		model.put("price_per_million_tokens", prices);
		asPlatformAdmin().post().uri("/v1/admin/models").bodyValue(model).exchange().expectStatus().isCreated();
		return id;
	}

	/** Where a store keeps its sealed keys: table, key id and ciphertext columns, and the owner's column. */
	private record Store(String table, String keyIdColumn, String sealedColumn, String ownerColumn) {
	}

	private static final Store TENANT_KEYS = new Store("tenant_provider_key", "key_id", "sealed", "tenant_id");

	private static final Store MODEL_KEYS = new Store("model_endpoint", "api_key_key_id", "api_key_sealed", "model_id");

	private void sealWithOldKey(Store store, String owner, String secret, String context) {
		this.db.sql("UPDATE control." + store.table() + " SET " + store.keyIdColumn() + " = :keyId, "
				+ store.sealedColumn() + " = :sealed WHERE " + store.ownerColumn() + " = :owner")
			.bind("keyId", OLD_SECRETS_KEY_ID)
			.bind("sealed", this.oldBox.seal(secret, context).ciphertext())
			.bind("owner", owner)
			.fetch()
			.rowsUpdated()
			.as(StepVerifier::create)
			.expectNext(1L)
			.verifyComplete();
	}

	private void assertKeyIds(Store store, String owner, String... expected) {
		this.db.sql("SELECT " + store.keyIdColumn() + " AS key_id FROM control." + store.table() + " WHERE "
				+ store.ownerColumn() + " = :owner")
			.bind("owner", owner)
			.map((row) -> row.get("key_id", String.class))
			.all()
			.collectList()
			.as(StepVerifier::create)
			.assertNext((ids) -> assertThat(ids).containsExactly(expected))
			.verifyComplete();
	}

}

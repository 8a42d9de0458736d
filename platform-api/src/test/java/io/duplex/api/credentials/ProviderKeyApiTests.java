package io.duplex.api.credentials;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.api.ApiTestSupport;
import io.duplex.core.tenant.TenantCredentials;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenants' own provider keys: a tenant admin sets, lists and deletes them, sessions read them
 * decrypted, no answer or audit entry holds one, and another tenant cannot see or touch them.
 */
class ProviderKeyApiTests extends ApiTestSupport {

	private static final String KEY = "sk-tenant-own-4b1d9e7a2c8f6035e1b7";

	private static final String NEW_KEY = "sk-tenant-own-rotated-77c0a1e9d3b5";

	@Autowired
	private TenantCredentials credentials;

	@Test
	void putThenCreatedAndListedAndReadableBySessionsDecrypted() {
		TestTenant tenant = newTenant();
		String body = body(as(tenant.adminKey()).put()
			.uri("/v1/tenants/{id}/provider_keys/openai", tenant.id())
			.bodyValue(Map.of("api_key", KEY))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueMatches("Location", ".*/v1/tenants/" + tenant.id() + "/provider_keys/openai")
			.expectBody()
			.jsonPath("$.object")
			.isEqualTo("provider_key")
			.jsonPath("$.provider")
			.isEqualTo("openai")
			.jsonPath("$.tenant_id")
			.isEqualTo(tenant.id())
			.jsonPath("$.api_key_set")
			.isEqualTo(true)
			.jsonPath("$.api_key")
			.doesNotExist());
		assertThat(body).doesNotContain(KEY);

		String list = body(as(tenant.adminKey()).get()
			.uri("/v1/tenants/{id}/provider_keys", tenant.id())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data[*].provider")
			.isEqualTo(List.of("openai")));
		assertThat(list).doesNotContain(KEY);
		as(tenant.adminKey()).get()
			.uri("/v1/tenants/{id}/provider_keys/openai", tenant.id())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.api_key_set")
			.isEqualTo(true);

		this.credentials.providerKey(tenant.id(), "openai").as(StepVerifier::create).expectNext(KEY).verifyComplete();
		this.credentials.providerKey(tenant.id(), "cascade").as(StepVerifier::create).verifyComplete();
	}

	@Test
	void putAgainThenReplacedWith200AndSessionsGetTheNewKey() {
		TestTenant tenant = newTenant();
		put(as(tenant.adminKey()), tenant.id(), "openai", KEY).expectStatus().isCreated();
		put(as(tenant.adminKey()), tenant.id(), "openai", NEW_KEY).expectStatus().isOk();
		this.credentials.providerKey(tenant.id(), "openai").as(StepVerifier::create).expectNext(NEW_KEY).verifyComplete();
	}

	@Test
	void deleteThenGoneForSessionsAndA404Afterwards() {
		TestTenant tenant = newTenant();
		put(as(tenant.adminKey()), tenant.id(), "cascade", KEY).expectStatus().isCreated();
		as(tenant.adminKey()).delete()
			.uri("/v1/tenants/{id}/provider_keys/cascade", tenant.id())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.deleted")
			.isEqualTo(true);
		this.credentials.providerKey(tenant.id(), "cascade").as(StepVerifier::create).verifyComplete();
		as(tenant.adminKey()).get()
			.uri("/v1/tenants/{id}/provider_keys/cascade", tenant.id())
			.exchange()
			.expectStatus()
			.isNotFound();
		as(tenant.adminKey()).delete()
			.uri("/v1/tenants/{id}/provider_keys/cascade", tenant.id())
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void everyOperationOnAnotherTenantsKeysThen404AndNothingChanges() {
		TestTenant owner = newTenant();
		TestTenant intruder = newTenant();
		put(as(owner.adminKey()), owner.id(), "openai", KEY).expectStatus().isCreated();

		put(as(intruder.adminKey()), owner.id(), "openai", NEW_KEY).expectStatus().isNotFound();
		put(as(intruder.adminKey()), owner.id(), "cascade", NEW_KEY).expectStatus().isNotFound();
		as(intruder.adminKey()).get()
			.uri("/v1/tenants/{id}/provider_keys", owner.id())
			.exchange()
			.expectStatus()
			.isNotFound();
		as(intruder.adminKey()).get()
			.uri("/v1/tenants/{id}/provider_keys/openai", owner.id())
			.exchange()
			.expectStatus()
			.isNotFound();
		as(intruder.adminKey()).delete()
			.uri("/v1/tenants/{id}/provider_keys/openai", owner.id())
			.exchange()
			.expectStatus()
			.isNotFound();

		this.credentials.providerKey(owner.id(), "openai").as(StepVerifier::create).expectNext(KEY).verifyComplete();
		this.credentials.providerKey(owner.id(), "cascade").as(StepVerifier::create).verifyComplete();
		this.credentials.providerKey(intruder.id(), "openai").as(StepVerifier::create).verifyComplete();
	}

	@Test
	void putWhenNotTenantAdminThenForbiddenAndPlatformAdminMayActForTheTenant() {
		TestTenant tenant = newTenant();
		for (String role : List.of("developer", "finance", "viewer")) {
			put(as(newKey(tenant.id(), role)), tenant.id(), "openai", KEY).expectStatus().isForbidden();
		}
		this.credentials.providerKey(tenant.id(), "openai").as(StepVerifier::create).verifyComplete();
		put(asPlatformAdmin(), tenant.id(), "openai", KEY).expectStatus().isCreated();
		asPlatformAdmin().get()
			.uri("/v1/tenants/{id}/provider_keys", tenant.id())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data[0].provider")
			.isEqualTo("openai");
		put(asPlatformAdmin(), "ten_01JD000000000000000000000", "openai", KEY).expectStatus().isNotFound();
	}

	@Test
	void putWhenProviderUnknownOrKeyMissingMalformedOrNotAStringThenValidationProblemWithoutTheKey() {
		TestTenant tenant = newTenant();
		rejected(put(as(tenant.adminKey()), tenant.id(), "sandbox", KEY), "provider");
		rejected(as(tenant.adminKey()).put()
			.uri("/v1/tenants/{id}/provider_keys/openai", tenant.id())
			.bodyValue(Map.of())
			.exchange(), "api_key");
		String body = rejected(put(as(tenant.adminKey()), tenant.id(), "openai", KEY + " trailing"), "api_key");
		assertThat(body).doesNotContain(KEY);
		rejected(as(tenant.adminKey()).put()
			.uri("/v1/tenants/{id}/provider_keys/openai", tenant.id())
			.bodyValue(Map.of("api_key", KEY, "label", "mine"))
			.exchange(), "label");
		// not a string: JSON would happily make "true" or "1234567890" of it
		for (Object notAString : List.of(true, 1234567890L, List.of(KEY), Map.of("value", KEY))) {
			rejected(as(tenant.adminKey()).put()
				.uri("/v1/tenants/{id}/provider_keys/openai", tenant.id())
				.bodyValue(Map.of("api_key", notAString))
				.exchange(), "api_key");
		}
		as(tenant.adminKey()).get()
			.uri("/v1/tenants/{id}/provider_keys", tenant.id())
			.exchange()
			.expectBody()
			.jsonPath("$.data")
			.isEmpty();
	}

	@Test
	void changesThenAuditedInTheTenantWithoutTheKey() {
		TestTenant tenant = newTenant();
		put(as(tenant.adminKey()), tenant.id(), "openai", KEY).expectStatus().isCreated();
		put(as(tenant.adminKey()), tenant.id(), "openai", NEW_KEY).expectStatus().isOk();
		as(tenant.adminKey()).delete()
			.uri("/v1/tenants/{id}/provider_keys/openai", tenant.id())
			.exchange()
			.expectStatus()
			.isOk();
		String audit = body(as(tenant.adminKey()).get()
			.uri("/v1/audit?resource_id=openai")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data[*].action")
			.isEqualTo(List.of("provider_key.deleted", "provider_key.updated", "provider_key.created"))
			.jsonPath("$.data[0].tenant_id")
			.isEqualTo(tenant.id()));
		assertThat(audit).doesNotContain(KEY).doesNotContain(NEW_KEY);
	}

	private static WebTestClient.ResponseSpec put(WebTestClient client, String tenantId, String provider, String key) {
		return client.put()
			.uri("/v1/tenants/{id}/provider_keys/{provider}", tenantId, provider)
			.bodyValue(Map.of("api_key", key))
			.exchange();
	}

	private static String rejected(WebTestClient.ResponseSpec response, String field) {
		return body(response.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/validation-failed")
			.jsonPath("$.param")
			.isEqualTo(field));
	}

	private static String body(WebTestClient.BodyContentSpec spec) {
		byte[] content = spec.returnResult().getResponseBodyContent();
		return (content != null) ? new String(content, StandardCharsets.UTF_8) : "";
	}

}

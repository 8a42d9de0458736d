package io.duplex.api.apikey;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.duplex.api.ApiTestSupport;
import io.duplex.test.RestApi;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyApiTests extends ApiTestSupport {

	@Test
	void createThenSecretIsShownOnceAndWorksAndListNeverShowsIt() {
		TestTenant tenant = newTenant();
		Map<?, ?> created = RestApi.created(as(tenant.adminKey()).post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.bodyValue(Map.of("name", "backend", "role", "developer"))
			.exchange());
		String secret = (String) created.get("secret");
		assertThat(secret).startsWith("dpx_").hasSizeGreaterThanOrEqualTo(40);
		assertThat(created.get("prefix")).isEqualTo(secret.substring(0, 16));
		assertThat(created.get("id").toString()).startsWith("key_");
		assertThat(created.get("role")).isEqualTo("developer");
		assertThat(created.get("status")).isEqualTo("active");

		as(secret).get().uri("/v1/tenants/{id}", tenant.id()).exchange().expectStatus().isOk();

		List<?> listed = (List<?>) RestApi.ok(as(tenant.adminKey()).get()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.exchange())
			.get("data");
		assertThat(listed).hasSize(2).allSatisfy((key) -> assertThat(((Map<?, ?>) key).containsKey("secret")).isFalse());
	}

	@Test
	void revokeThenKeyGetsUnauthorizedOnTheNextRequest() {
		TestTenant tenant = newTenant();
		Map<?, ?> created = as(tenant.adminKey()).post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.bodyValue(Map.of("name", "short-lived", "role", "viewer"))
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		String secret = (String) created.get("secret");
		as(secret).get().uri("/v1/tenants/{id}", tenant.id()).exchange().expectStatus().isOk();

		as(tenant.adminKey()).delete()
			.uri("/v1/tenants/{id}/api_keys/{key}", tenant.id(), created.get("id"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("revoked")
			.jsonPath("$.revoked_at")
			.isNotEmpty();

		as(secret).get()
			.uri("/v1/tenants/{id}", tenant.id())
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/unauthorized");
	}

	@Test
	void unknownOrTamperedKeyThenUnauthorized() {
		TestTenant tenant = newTenant();
		String tampered = tenant.adminKey().substring(0, tenant.adminKey().length() - 1)
				+ (tenant.adminKey().endsWith("a") ? "b" : "a");
		as(tampered).get().uri("/v1/tenants/{id}", tenant.id()).exchange().expectStatus().isUnauthorized();
		as("not-a-key").get().uri("/v1/tenants/{id}", tenant.id()).exchange().expectStatus().isUnauthorized();
	}

	@Test
	void createWhenRoleIsPlatformAdminOrUnknownThenValidationProblem() {
		TestTenant tenant = newTenant();
		for (String role : List.of("platform_admin", "owner")) {
			as(tenant.adminKey()).post()
				.uri("/v1/tenants/{id}/api_keys", tenant.id())
				.bodyValue(Map.of("name", "x", "role", role))
				.exchange()
				.expectStatus()
				.isEqualTo(422)
				.expectBody()
				.jsonPath("$.param")
				.isEqualTo("role");
		}
	}

	@Test
	void developerMayNotManageKeysOfItsOwnTenant() {
		TestTenant tenant = newTenant();
		String developer = newKey(tenant.id(), "developer");
		as(developer).get().uri("/v1/tenants/{id}/api_keys", tenant.id()).exchange().expectStatus().isForbidden();
		as(developer).post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.bodyValue(Map.of("name", "x", "role", "tenant_admin"))
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	@Test
	void platformAdminGetsNotFoundForATenantThatDoesNotExist() {
		asPlatformAdmin().get()
			.uri("/v1/tenants/ten_01M7YW3QX7Y07NQXB5T8CHDM2A/api_keys")
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void revokeWhenKeyBelongsToAnotherTenantThenNotFoundAndKeyKeepsWorking() {
		TestTenant mine = newTenant();
		TestTenant other = newTenant();
		Map<?, ?> otherKey = as(other.adminKey()).post()
			.uri("/v1/tenants/{id}/api_keys", other.id())
			.bodyValue(Map.of("name", "victim", "role", "viewer"))
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		as(mine.adminKey()).delete()
			.uri("/v1/tenants/{id}/api_keys/{key}", mine.id(), otherKey.get("id"))
			.exchange()
			.expectStatus()
			.isNotFound();
		as((String) otherKey.get("secret")).get().uri("/v1/tenants/{id}", other.id()).exchange().expectStatus().isOk();
	}

}

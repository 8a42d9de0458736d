package io.duplex.api.apikey;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.duplex.api.ApiTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/admin/api_keys} on the shared test database, where the bootstrap key always stays
 * active; rotation away from the bootstrap key and the last-key rule run on a database of their
 * own in {@link PlatformAdminKeyRotationTests}.
 */
class PlatformAdminKeyApiTests extends ApiTestSupport {

	@Test
	void createThenSecretIsShownOnceAndWorksAsPlatformAdminAndListNeverShowsIt() {
		Map<?, ?> created = create("ops-2027");
		String secret = (String) created.get("secret");
		assertThat(secret).startsWith("dpx_").hasSizeGreaterThanOrEqualTo(40);
		assertThat(created.get("prefix")).isEqualTo(secret.substring(0, 16));
		assertThat(created.get("role")).isEqualTo("platform_admin");
		assertThat(created.get("tenant_id")).isNull();
		assertThat(created.get("status")).isEqualTo("active");

		// it acts platform-wide: it may create tenants
		as(secret).post().uri("/v1/tenants").bodyValue(Map.of("name", "made by ops")).exchange().expectStatus().isCreated();

		List<?> listed = (List<?>) asPlatformAdmin().get()
			.uri("/v1/admin/api_keys?limit=100")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("data");
		assertThat(listed).anySatisfy((key) -> assertThat(((Map<?, ?>) key).get("id")).isEqualTo(created.get("id")))
			.allSatisfy((key) -> {
				assertThat(((Map<?, ?>) key).containsKey("secret")).isFalse();
				assertThat(((Map<?, ?>) key).get("role")).isEqualTo("platform_admin");
			});
		assertThat(auditActions((String) created.get("id"))).containsExactly("api_key.created");
	}

	@Test
	void listIsPaginatedLikeTheTenantKeysNewestFirst() {
		String first = (String) create("page-1").get("id");
		String second = (String) create("page-2").get("id");
		Map<?, ?> page = asPlatformAdmin().get()
			.uri("/v1/admin/api_keys?limit=1")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(page.get("object")).isEqualTo("list");
		assertThat(page.get("has_more")).isEqualTo(true);
		assertThat((List<?>) page.get("data")).hasSize(1);
		Map<?, ?> next = asPlatformAdmin().get()
			.uri("/v1/admin/api_keys?limit=1&after={id}", second)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(((Map<?, ?>) ((List<?>) next.get("data")).get(0)).get("id")).isEqualTo(first);
		asPlatformAdmin().get().uri("/v1/admin/api_keys?limit=0").exchange().expectStatus().isEqualTo(422);
	}

	@Test
	void revokeThenTheKeyGetsUnauthorizedOnTheNextRequestAndTheRevocationIsAudited() {
		Map<?, ?> created = create("short-lived");
		String secret = (String) created.get("secret");
		as(secret).get().uri("/v1/tenants").exchange().expectStatus().isOk();
		asPlatformAdmin().delete()
			.uri("/v1/admin/api_keys/{id}", created.get("id"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("revoked")
			.jsonPath("$.revoked_at")
			.isNotEmpty();
		as(secret).get().uri("/v1/tenants").exchange().expectStatus().isUnauthorized();
		// again: a no-op that answers the revoked key, and no second audit entry
		asPlatformAdmin().delete()
			.uri("/v1/admin/api_keys/{id}", created.get("id"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("revoked");
		assertThat(auditActions((String) created.get("id"))).containsExactly("api_key.revoked", "api_key.created");
	}

	@Test
	void tenantKeysOfEveryRoleGetForbiddenAndChangeNothing() {
		TestTenant tenant = newTenant();
		Map<?, ?> target = create("target");
		for (String role : List.of("tenant_admin", "developer", "finance", "viewer")) {
			String key = newKey(tenant.id(), role);
			as(key).get().uri("/v1/admin/api_keys").exchange().expectStatus().isForbidden();
			as(key).post()
				.uri("/v1/admin/api_keys")
				.bodyValue(Map.of("name", "intruder"))
				.exchange()
				.expectStatus()
				.isForbidden()
				.expectBody()
				.jsonPath("$.secret")
				.doesNotExist();
			as(key).delete().uri("/v1/admin/api_keys/{id}", target.get("id")).exchange().expectStatus().isForbidden();
		}
		this.client.get().uri("/v1/admin/api_keys").exchange().expectStatus().isUnauthorized();
		as((String) target.get("secret")).get().uri("/v1/tenants").exchange().expectStatus().isOk();
	}

	@Test
	void revokeWhenTheIdIsATenantKeyOrUnknownThenNotFoundAndTheTenantKeyKeepsWorking() {
		TestTenant tenant = newTenant();
		Map<?, ?> tenantKey = asPlatformAdmin().post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.bodyValue(Map.of("name", "not a platform key", "role", "viewer"))
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		asPlatformAdmin().delete()
			.uri("/v1/admin/api_keys/{id}", tenantKey.get("id"))
			.exchange()
			.expectStatus()
			.isNotFound();
		asPlatformAdmin().delete()
			.uri("/v1/admin/api_keys/key_01M7YW3QX7Y07NQXB5T8CHDM2A")
			.exchange()
			.expectStatus()
			.isNotFound();
		as((String) tenantKey.get("secret")).get().uri("/v1/tenants/{id}", tenant.id()).exchange().expectStatus().isOk();
	}

	@Test
	void createWhenNameIsMissingThenValidationProblem() {
		asPlatformAdmin().post()
			.uri("/v1/admin/api_keys")
			.bodyValue(Map.of("name", " "))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.param")
			.isEqualTo("name");
	}

	private Map<?, ?> create(String name) {
		return asPlatformAdmin().post()
			.uri("/v1/admin/api_keys")
			.bodyValue(Map.of("name", name))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.value("Location", (location) -> assertThat(location).contains("/v1/admin/api_keys/key_"))
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	private List<Object> auditActions(String keyId) {
		List<?> events = (List<?>) asPlatformAdmin().get()
			.uri("/v1/audit?resource_id={id}", keyId)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("data");
		return events.stream().<Object>map((event) -> ((Map<?, ?>) event).get("action")).toList();
	}

}

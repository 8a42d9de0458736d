package io.duplex.api.audit;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.duplex.api.ApiTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

class AuditApiTests extends ApiTestSupport {

	@Test
	void keyCreationAndRevocationAreAuditedWithActorAndRequestId() {
		TestTenant tenant = newTenant();
		Map<?, ?> created = as(tenant.adminKey()).post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.header("X-Request-Id", "audit-test-1")
			.bodyValue(Map.of("name", "audited", "role", "viewer"))
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		as(tenant.adminKey()).delete()
			.uri("/v1/tenants/{id}/api_keys/{key}", tenant.id(), created.get("id"))
			.exchange()
			.expectStatus()
			.isOk();

		List<Map<String, Object>> events = events(tenant.adminKey(), "/v1/audit?resource_id=" + created.get("id"));
		assertThat(events).extracting((e) -> e.get("action")).containsExactly("api_key.revoked", "api_key.created");
		Map<String, Object> creation = events.get(1);
		assertThat(creation.get("tenant_id")).isEqualTo(tenant.id());
		assertThat(creation.get("actor_role")).isEqualTo("tenant_admin");
		assertThat(creation.get("request_id")).isEqualTo("audit-test-1");
		assertThat(creation.get("resource_type")).isEqualTo("api_key");
		Map<?, ?> details = (Map<?, ?>) creation.get("details");
		assertThat(details.get("name")).isEqualTo("audited");
		assertThat(details.containsKey("secret")).isFalse();
	}

	@Test
	void tenantSeesOnlyItsOwnEventsAndPlatformAdminSeesEveryTenant() {
		TestTenant one = newTenant();
		TestTenant two = newTenant();
		assertThat(events(one.adminKey(), "/v1/audit?limit=100")).allSatisfy(
				(event) -> assertThat(event.get("tenant_id")).isEqualTo(one.id()));
		assertThat(events(io.duplex.test.TestKeys.PLATFORM_ADMIN, "/v1/audit?tenant=" + two.id()))
			.extracting((e) -> e.get("action"))
			.contains("tenant.created", "api_key.created");
	}

	@Test
	void viewerMayNotReadTheAuditLog() {
		TestTenant tenant = newTenant();
		as(newKey(tenant.id(), "viewer")).get().uri("/v1/audit").exchange().expectStatus().isForbidden();
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, Object>> events(String key, String uri) {
		return (List<Map<String, Object>>) as(key).get()
			.uri(uri)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("data");
	}


}

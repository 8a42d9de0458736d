package io.duplex.api.web;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.duplex.api.ApiTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyTests extends ApiTestSupport {

	@Test
	void postWhenSameKeyAndBodyThenFirstAnswerIsReplayedAndNothingIsCreatedTwice() {
		TestTenant tenant = newTenant();
		String key = UUID.randomUUID().toString();
		Map<?, ?> first = createKey(tenant, key, "replayed").expectStatus()
			.isCreated()
			.expectHeader()
			.doesNotExist("Idempotent-Replayed")
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		Map<?, ?> second = createKey(tenant, key, "replayed").expectStatus()
			.isCreated()
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true")
			.expectHeader()
			.valueMatches("Location", ".*/api_keys/" + first.get("id"))
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(second).isEqualTo(first);
		List<?> keys = (List<?>) as(tenant.adminKey()).get()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("data");
		assertThat(keys).filteredOn((k) -> "replayed".equals(((Map<?, ?>) k).get("name"))).hasSize(1);
	}

	@Test
	void postWhenSameKeyButDifferentBodyThenConflictProblem() {
		TestTenant tenant = newTenant();
		String key = UUID.randomUUID().toString();
		createKey(tenant, key, "first").expectStatus().isCreated();
		createKey(tenant, key, "second").expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/idempotency-key-reused");
	}

	@Test
	void postWhenSameKeyFromAnotherTenantThenRunsIndependently() {
		TestTenant one = newTenant();
		TestTenant two = newTenant();
		String key = UUID.randomUUID().toString();
		createKey(one, key, "same").expectStatus().isCreated().expectHeader().doesNotExist("Idempotent-Replayed");
		createKey(two, key, "same").expectStatus().isCreated().expectHeader().doesNotExist("Idempotent-Replayed");
	}

	@Test
	void postWhenFirstAttemptFailedValidationThenRetryReplaysTheSameProblem() {
		TestTenant tenant = newTenant();
		String key = UUID.randomUUID().toString();
		as(tenant.adminKey()).post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.header("Idempotency-Key", key)
			.bodyValue(Map.of("name", "bad", "role", "emperor"))
			.exchange()
			.expectStatus()
			.isEqualTo(422);
		as(tenant.adminKey()).post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.header("Idempotency-Key", key)
			.bodyValue(Map.of("name", "bad", "role", "emperor"))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true")
			.expectHeader()
			.contentType("application/problem+json");
	}

	@Test
	void postWhenKeyTooLongThenValidationProblem() {
		TestTenant tenant = newTenant();
		as(tenant.adminKey()).post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.header("Idempotency-Key", "k".repeat(256))
			.bodyValue(Map.of("name", "x", "role", "viewer"))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.param")
			.isEqualTo("Idempotency-Key");
	}

	private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec createKey(TestTenant tenant,
			String idempotencyKey, String name) {
		return as(tenant.adminKey()).post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.header("Idempotency-Key", idempotencyKey)
			.bodyValue(Map.of("name", name, "role", "viewer"))
			.exchange();
	}

}

package io.duplex.api.tenant;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.duplex.api.ApiTestSupport;
import io.duplex.test.RestApi;

import static org.assertj.core.api.Assertions.assertThat;

class TenantApiTests extends ApiTestSupport {

	@Test
	void createWhenPlatformAdminThenAnswersCreatedWithLocation() {
		asPlatformAdmin().post()
			.uri("/v1/tenants")
			.bodyValue(Map.of("name", "Acme Voice"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueMatches("Location", ".*/v1/tenants/ten_[0-9A-Z]{26}")
			.expectBody()
			.jsonPath("$.id")
			.value(String.class, (id) -> assertThat(id).startsWith("ten_"))
			.jsonPath("$.object")
			.isEqualTo("tenant")
			.jsonPath("$.name")
			.isEqualTo("Acme Voice")
			.jsonPath("$.status")
			.isEqualTo("active")
			.jsonPath("$.max_concurrent_sessions")
			.isEqualTo(100)
			.jsonPath("$.created_at")
			.exists();
	}

	@Test
	void createWhenTenantAdminThenForbidden() {
		TestTenant tenant = newTenant();
		as(tenant.adminKey()).post()
			.uri("/v1/tenants")
			.bodyValue(Map.of("name", "Sneaky"))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType("application/problem+json")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/forbidden");
	}

	@Test
	void createWhenNameMissingThenValidationProblemNamesTheField() {
		asPlatformAdmin().post()
			.uri("/v1/tenants")
			.bodyValue(Map.of("name", " "))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/validation-failed")
			.jsonPath("$.param")
			.isEqualTo("name")
			.jsonPath("$.errors[0].field")
			.isEqualTo("name");
	}

	@Test
	void createWhenUnknownFieldThenValidationProblemNamesIt() {
		asPlatformAdmin().post()
			.uri("/v1/tenants")
			.bodyValue(Map.of("name", "Typo Inc", "max_concurent_sessions", 3))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.param")
			.isEqualTo("max_concurent_sessions");
	}

	@Test
	void createWhenBodyIsNotJsonThenMalformedRequest() {
		asPlatformAdmin().post()
			.uri("/v1/tenants")
			.header("Content-Type", "application/json")
			.bodyValue("{\"name\": ")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/malformed-request");
	}

	@Test
	void getWhenOwnTenantThenVisibleAndWhenOtherTenantThenNotFound() {
		TestTenant mine = newTenant();
		TestTenant other = newTenant();
		as(mine.adminKey()).get().uri("/v1/tenants/{id}", mine.id()).exchange().expectStatus().isOk();
		RestApi.problem(as(mine.adminKey()).get()
			.uri("/v1/tenants/{id}", other.id())
			.exchange(), 404, "not-found");
	}

	@Test
	void suspendThenKeysStopWorkingAtOnceAndReactivateRestoresThem() {
		TestTenant tenant = newTenant();
		as(tenant.adminKey()).get().uri("/v1/tenants/{id}", tenant.id()).exchange().expectStatus().isOk();
		asPlatformAdmin().post()
			.uri("/v1/tenants/{id}/suspend", tenant.id())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("suspended");
		as(tenant.adminKey()).get()
			.uri("/v1/tenants/{id}", tenant.id())
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals("WWW-Authenticate", "Bearer")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/unauthorized");
		asPlatformAdmin().post().uri("/v1/tenants/{id}/reactivate", tenant.id()).exchange().expectStatus().isOk();
		as(tenant.adminKey()).get().uri("/v1/tenants/{id}", tenant.id()).exchange().expectStatus().isOk();
	}

	@Test
	void suspendWhenTenantAdminOfThatTenantThenForbidden() {
		TestTenant tenant = newTenant();
		as(tenant.adminKey()).post()
			.uri("/v1/tenants/{id}/suspend", tenant.id())
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	@Test
	void listPagesThroughEveryTenantNewestFirstWithoutRepeats() {
		for (int i = 0; i < 5; i++) {
			newTenant();
		}
		Set<String> seen = new HashSet<>();
		int pages = 0;
		String previous = null;
		boolean more = true;
		while (more) {
			String cursor = previous;
			Map<?, ?> page = asPlatformAdmin().get()
				.uri((uri) -> uri.path("/v1/tenants").queryParam("limit", 2).queryParamIfPresent("after",
						java.util.Optional.ofNullable(cursor)).build())
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(Map.class)
				.returnResult()
				.getResponseBody();
			List<?> data = (List<?>) page.get("data");
			assertThat(data).hasSizeLessThanOrEqualTo(2);
			for (Object item : data) {
				String id = (String) ((Map<?, ?>) item).get("id");
				assertThat(seen.add(id)).as("no tenant twice").isTrue();
				if (previous != null) {
					assertThat(id).as("newest first").isLessThan(previous);
				}
				previous = id;
			}
			more = (Boolean) page.get("has_more");
			if (more) {
				assertThat(page.get("last_id")).isEqualTo(previous);
			}
			pages++;
		}
		assertThat(pages).isGreaterThanOrEqualTo(3);
		assertThat(seen).hasSizeGreaterThanOrEqualTo(5);
	}

	@Test
	void listWhenLimitOutOfRangeThenValidationProblem() {
		asPlatformAdmin().get()
			.uri("/v1/tenants?limit=0")
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.param")
			.isEqualTo("limit");
	}

	@Test
	void anyEndpointWithoutKeyThenUnauthorizedProblem() {
		this.client.get()
			.uri("/v1/tenants")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType("application/problem+json")
			.expectHeader()
			.exists("X-Request-Id");
	}

}

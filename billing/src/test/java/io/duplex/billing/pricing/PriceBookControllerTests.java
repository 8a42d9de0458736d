package io.duplex.billing.pricing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import io.duplex.billing.BillingHttpTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/admin/price-books} over HTTP. Platform books made here start in a far future year of
 * their own, so they never change what other tests are charged.
 */
class PriceBookControllerTests extends BillingHttpTestSupport {

	@Test
	void createWhenPlatformAdminThenVersionIsStoredAuditedAndReadBack() {
		Instant from = farFuture();
		Map<String, Object> created = asPlatformAdmin().post()
			.uri("/v1/admin/price-books")
			.bodyValue(Map.of("name", "List prices", "currency", "USD", "effective_from", from.toString(), "prices",
					List.of(Map.of("model", "gpt-realtime", "metric", "output_audio_tokens", "unit",
							"per_million_tokens", "unit_price", "60.5"))))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.value("Location", (location) -> assertThat(location).contains("/v1/admin/price-books/pb_"))
			.expectBody(MAP)
			.returnResult()
			.getResponseBody();

		assertThat(created).containsEntry("object", "price_book")
			.containsEntry("currency", "USD")
			.containsEntry("tenant_id", null)
			.containsEntry("discount_percent", "0.0000")
			.containsEntry("effective_from", from.toString());
		assertThat(created.get("prices")).isEqualTo(List.of(Map.of("model", "gpt-realtime", "metric",
				"output_audio_tokens", "unit", "per_million_tokens", "unit_price", "60.5000000000")));
		asPlatformAdmin().get()
			.uri("/v1/admin/price-books/{id}", created.get("id"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(MAP)
			.isEqualTo(created);
		asPlatformAdmin().get()
			.uri("/v1/audit?resource_id={id}", created.get("id"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data[0].action")
			.isEqualTo("price_book.created");
	}

	@Test
	void createWhenTheBookHasAVersionAtThatInstantThen409() {
		Instant from = farFuture();
		Map<String, Object> body = Map.of("name", "List", "currency", "USD", "effective_from", from.toString(),
				"prices", List.of(Map.of("model", "sandbox", "metric", "session_seconds", "unit", "per_second",
						"unit_price", "0.001")));
		asPlatformAdmin().post().uri("/v1/admin/price-books").bodyValue(body).exchange().expectStatus().isCreated();

		asPlatformAdmin().post()
			.uri("/v1/admin/price-books")
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/price-book-version-exists");
	}

	@Test
	void createWhenTenantBookThenDiscountAllowedAndListedUnderTheTenant() {
		TestTenant tenant = newTenant();
		Map<String, Object> created = asPlatformAdmin().post()
			.uri("/v1/admin/price-books")
			.bodyValue(Map.of("name", "Contract", "currency", "USD", "effective_from", "2026-01-01T00:00:00Z",
					"tenant_id", tenant.id(), "discount_percent", "12.5"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(MAP)
			.returnResult()
			.getResponseBody();

		assertThat(created).containsEntry("tenant_id", tenant.id()).containsEntry("discount_percent", "12.5000");
		asPlatformAdmin().get()
			.uri("/v1/admin/price-books?tenant={tenant}", tenant.id())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.object")
			.isEqualTo("list")
			.jsonPath("$.data.length()")
			.isEqualTo(1)
			.jsonPath("$.data[0].id")
			.isEqualTo(created.get("id"));
	}

	@Test
	void listWhenPlatformAdminThenTheDefaultBookIsThere() {
		asPlatformAdmin().get()
			.uri("/v1/admin/price-books/pb_00000000000000000000000000")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.currency")
			.isEqualTo("USD")
			.jsonPath("$.prices.length()")
			.isEqualTo(18)
			.jsonPath("$.prices[?(@.model == 'sandbox' && @.metric == 'output_audio_tokens')].unit_price")
			.isEqualTo(List.of("64.0000000000"));
	}

	@Test
	void createWhenInvalidThen422NamingEveryField() {
		asPlatformAdmin().post()
			.uri("/v1/admin/price-books")
			.bodyValue(Map.of("name", "", "currency", "usd", "discount_percent", "5", "prices",
					List.of(Map.of("model", "gpt-realtime", "metric", "output_audio_tokens", "unit", "per_second",
							"unit_price", "-1"))))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/validation-failed")
			.jsonPath("$.errors[*].field")
			.isEqualTo(List.of("name", "currency", "effective_from", "discount_percent", "prices[0].unit",
					"prices[0].unit_price"));
	}

	@Test
	void createWhenTenantDoesNotExistThen422() {
		asPlatformAdmin().post()
			.uri("/v1/admin/price-books")
			.bodyValue(Map.of("name", "Contract", "currency", "USD", "effective_from", "2026-01-01T00:00:00Z",
					"tenant_id", "ten_00000000000000000000000000"))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.param")
			.isEqualTo("tenant_id");
	}

	@Test
	void everyEndpointWhenNotPlatformAdminThen403() {
		TestTenant tenant = newTenant();
		String finance = newKey(tenant.id(), "finance");
		for (String key : List.of(tenant.adminKey(), finance)) {
			as(key).get().uri("/v1/admin/price-books").exchange().expectStatus().isForbidden();
			as(key).get()
				.uri("/v1/admin/price-books/pb_00000000000000000000000000")
				.exchange()
				.expectStatus()
				.isForbidden();
			as(key).post()
				.uri("/v1/admin/price-books")
				.bodyValue(Map.of("name", "Mine", "currency", "USD", "effective_from", "2026-01-01T00:00:00Z",
						"tenant_id", tenant.id(), "discount_percent", "99"))
				.exchange()
				.expectStatus()
				.isForbidden();
		}
		this.client.get().uri("/v1/admin/price-books").exchange().expectStatus().isUnauthorized();
	}

	@Test
	void getWhenUnknownThen404() {
		asPlatformAdmin().get()
			.uri("/v1/admin/price-books/pb_nope")
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	/** A whole second in a year no other test uses. */
	static Instant farFuture() {
		return Instant.parse("2200-01-01T00:00:00Z")
			.plus(ThreadLocalRandom.current().nextLong(0, 365L * 24 * 3600 * 100), ChronoUnit.SECONDS);
	}

	private static final org.springframework.core.ParameterizedTypeReference<Map<String, Object>> MAP = new org.springframework.core.ParameterizedTypeReference<>() {
	};

}

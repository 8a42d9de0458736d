package io.duplex.session.gateway;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import io.duplex.session.SessionTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One meter, two sources, black-box on the running server: a developer key that posts usage under
 * a new session's platform keys before connecting cannot take the place of what the platform
 * meters; the session's own usage comes out right in the usage report.
 */
class UsageSourceTests extends SessionTestSupport {

	@Test
	void usageWhenDeveloperPostsThePlatformsKeysBeforeConnectingThenRefusedOrKeptApartAndTheSessionIsMeteredInFull() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String developer = newKey(tenant.id(), "developer");
		Map<String, Object> created = post(as(tenant.adminKey()), "/v1/sessions", Map.of("agent", agent));
		String id = created.get("id").toString();
		String now = Instant.now().toString();

		// the attack: zeros under the keys the session's end will use, before any socket
		as(developer).post()
			.uri("/v1/usage/events")
			.bodyValue(Map.of("data", List.of(
					usage(id + ":session_seconds", "session_seconds", 0, now, null),
					usage(id + ":compute_seconds", "compute_seconds", 0, now, null))))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[*].field")
			.isEqualTo(List.of("data[0].metric", "data[1].metric"));
		// the model's tokens of this Duplex session are the platform's to meter, too
		as(developer).post()
			.uri("/v1/usage/events")
			.bodyValue(Map.of("data", List.of(usage(id + ":resp_1:output_audio_tokens", "output_audio_tokens", 0, now,
					id))))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("data[0].metric");
		// the tenant's own work may use any key, a platform-shaped one included: it is stored as the tenant's
		as(developer).post()
			.uri("/v1/usage/events")
			.bodyValue(Map.of("data", List.of(usage(id + ":session_seconds", "output_text_tokens", 7, now, null))))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.recorded")
			.isEqualTo(1);

		String secret = ((Map<?, ?>) created.get("client_secret")).get("value").toString();
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("session=" + id), secret)) {
			client.await("session.created");
			RealtimeConversationTests.say(client, "Meter me in full.");
			assertThat(client.await("response.done").path("response").path("status").asString())
				.isEqualTo("completed");
		}
		Map<String, Object> ended = RealtimeVoiceTests.await(() -> get(as(tenant.adminKey()), "/v1/sessions/" + id),
				(body) -> "ended".equals(body.get("status")));
		assertThat(ended.get("status")).isEqualTo("ended");
		BigDecimal duration = new BigDecimal(ended.get("duration_seconds").toString());
		assertThat(duration).isPositive();

		String finance = newKey(tenant.id(), "finance");
		LocalDate today = LocalDate.now(ZoneOffset.UTC);
		String period = "from=" + today.minusDays(1) + "&to=" + today.plusDays(2);
		Map<String, Object> expected = Map.of("platform session_seconds", duration, "platform compute_seconds",
				duration, "tenant output_text_tokens", new BigDecimal(7));
		Map<String, Object> report = RealtimeVoiceTests.await(() -> usage(finance, period),
				(lines) -> lines.keySet().containsAll(expected.keySet()));
		// the response's tokens are metered as the platform's; the only tenant line is the tenant's own work
		assertThat(report.keySet()).anyMatch((line) -> line.startsWith("platform output_"));
		assertThat(report.keySet()).filteredOn((line) -> line.startsWith("tenant "))
			.containsExactly("tenant output_text_tokens");
		expected.forEach((line, quantity) -> assertThat(new BigDecimal(report.get(line).toString()))
			.as(line)
			.isEqualByComparingTo((BigDecimal) quantity));
	}

	/** The tenant's usage by source and metric: quantity by "source metric". */
	private Map<String, Object> usage(String key, String period) {
		Map<String, Object> body = get(as(key), "/v1/usage?" + period + "&group_by=source,metric");
		Map<String, Object> lines = new HashMap<>();
		for (Object line : (List<?>) body.get("data")) {
			Map<?, ?> row = (Map<?, ?>) line;
			lines.put(row.get("source") + " " + row.get("metric"), row.get("quantity"));
		}
		return lines;
	}

	private static Map<String, Object> usage(String key, String metric, Object quantity, String at,
			@Nullable String session) {
		Map<String, Object> event = new HashMap<>(Map.of("idempotency_key", key, "metric", metric, "quantity",
				quantity, "occurred_at", at, "model", "gpt-realtime"));
		if (session != null) {
			event.put("session", session);
		}
		return event;
	}

	private URI socket(String query) {
		return URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?" + query);
	}

}

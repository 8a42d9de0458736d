package io.duplex.billing.usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.duplex.billing.BillingHttpTestSupport;
import io.duplex.core.usage.UsageEvent;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/usage/events} over HTTP into the real ledger. */
@ExtendWith(OutputCaptureExtension.class)
class UsageEventIngestionTests extends BillingHttpTestSupport {

	@Autowired
	private UsageLedger ledger;

	@Test
	void ingestWhenBatchIsValidThenRecordedOnceAndRepeatsAreNoOpsHoweverLate() {
		TestTenant tenant = newTenant();
		Map<String, Object> body = Map.of("data", List.of(
				event("pool-1:2026-11-02T10", "compute_seconds", 3600, "2026-11-02T10:59:59Z"),
				Map.of("idempotency_key", "stt-1", "metric", "stt_seconds", "quantity", "12.5", "occurred_at",
						"2026-11-02T11:00:00+01:00", "model", "whisper-large-v3", "agent", "agt_x", "session",
						"sess_y", "region", "eu-west", "compute", "gpu-a", "tags", Map.of("team", "support"))));

		post(tenant.adminKey(), body).expectStatus()
			.isOk()
			.expectBody()
			.json("{\"object\":\"usage.ingestion\",\"recorded\":2,\"duplicates\":0}");
		// the same batch again, as a retry long after: nothing new
		post(newKey(tenant.id(), "developer"), body).expectStatus()
			.isOk()
			.expectBody()
			.json("{\"recorded\":0,\"duplicates\":2}");

		List<UsageEvent> events = this.ledger.events(tenant.id()).collectList().block();
		assertThat(events).hasSize(2);
		UsageEvent stt = events.get(0);
		assertThat(stt.quantity()).isEqualByComparingTo("12.5");
		assertThat(stt.occurredAt()).hasToString("2026-11-02T10:00:00Z");
		assertThat(stt.sessionId()).isEqualTo("sess_y");
		assertThat(stt.tags()).isEqualTo(Map.of("team", "support"));
	}

	@Test
	void ingestWhenKeyRepeatsWithDifferentBodyThen409NothingStoredAndLogged(CapturedOutput output) {
		TestTenant tenant = newTenant();
		post(tenant.adminKey(), Map.of("data", List.of(event("k1", "tts_characters", 100, "2026-11-02T10:00:00Z"))))
			.expectStatus()
			.isOk();

		post(tenant.adminKey(), Map.of("data", List.of(event("k2", "tts_characters", 5, "2026-11-02T10:00:00Z"),
				event("k1", "tts_characters", 101, "2026-11-02T10:00:00Z"))))
			.expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/usage-event-conflict")
			.jsonPath("$.idempotency_keys[0]")
			.isEqualTo("k1");

		assertThat(this.ledger.events(tenant.id()).collectList().block()).extracting(UsageEvent::idempotencyKey)
			.containsExactly("k1");
		assertThat(output).contains("Usage event k1 of tenant " + tenant.id() + " repeats a recorded idempotency key");
	}

	@Test
	void ingestWhenAnyEventIsInvalidThen422NamingEachFieldAndNothingStored() {
		TestTenant tenant = newTenant();
		List<Object> data = new ArrayList<>();
		data.add(event("ok", "tts_characters", 1, "2026-11-02T10:00:00Z"));
		data.add(event("negative", "tts_characters", -1, "2026-11-02T10:00:00Z"));
		data.add(Map.of("idempotency_key", "text", "metric", "tts_characters", "quantity", "ten", "occurred_at",
				"2026-11-02T10:00:00Z", "model", "m"));
		data.add(Map.of("idempotency_key", "bool", "metric", "Bad Metric", "quantity", true, "occurred_at",
				"yesterday", "model", "m"));

		post(tenant.adminKey(), Map.of("data", data)).expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/validation-failed")
			.jsonPath("$.errors[*].field")
			.isEqualTo(List.of("data[1].quantity", "data[2].quantity", "data[3].metric", "data[3].quantity",
					"data[3].occurred_at"));
		assertThat(this.ledger.events(tenant.id()).collectList().block()).isEmpty();
	}

	@Test
	void ingestWhenBatchIsTooLargeOrKeyMayNotWriteThenRefused() {
		TestTenant tenant = newTenant();
		List<Object> data = new ArrayList<>();
		for (int i = 0; i <= UsageIngestion.MAX_BATCH; i++) {
			data.add(event("k" + i, "tts_characters", 1, "2026-11-02T10:00:00Z"));
		}
		post(tenant.adminKey(), Map.of("data", data)).expectStatus().isEqualTo(422);
		post(tenant.adminKey(), Map.of("data", List.of())).expectStatus().isEqualTo(422);
		for (String role : List.of("viewer", "finance")) {
			post(newKey(tenant.id(), role), Map.of("data", data.subList(0, 1))).expectStatus().isForbidden();
		}
		assertThat(this.ledger.events(tenant.id()).collectList().block()).isEmpty();
	}

	private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec post(String key, Object body) {
		return as(key).post().uri("/v1/usage/events").bodyValue(body).exchange();
	}

	private static Map<String, Object> event(String key, String metric, Object quantity, String at) {
		return Map.of("idempotency_key", key, "metric", metric, "quantity", quantity, "occurred_at", at, "model",
				"self-hosted-llm");
	}

}

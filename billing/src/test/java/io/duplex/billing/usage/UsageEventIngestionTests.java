package io.duplex.billing.usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.duplex.billing.BillingHttpTestSupport;
import io.duplex.core.security.Caller;
import io.duplex.core.security.Role;
import io.duplex.core.session.SessionDirectory;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSource;
import io.duplex.core.web.FieldError;
import io.duplex.core.web.ProblemException;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/usage/events} over HTTP into the real ledger. */
@ExtendWith(OutputCaptureExtension.class)
class UsageEventIngestionTests extends BillingHttpTestSupport {

	@Autowired
	private UsageLedger ledger;

	@Autowired
	private JsonMapper json;

	@Test
	void ingestWhenBatchIsValidThenRecordedOnceAndRepeatsAreNoOpsHoweverLate() {
		TestTenant tenant = newTenant();
		Map<String, Object> body = Map.of("data", List.of(
				event("pool-1:2026-11-02T10", "gpu_seconds", 3600, "2026-11-02T10:59:59Z"),
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
		assertThat(events).allSatisfy((event) -> {
			assertThat(event.source()).isEqualTo(UsageSource.TENANT);
			assertThat(event.estimated()).isFalse();
		});
	}

	@Test
	void ingestWhenTenantReportsSessionOrComputeSecondsUnderASessionsKeysThen422NamingTheMetricAndNothingStored() {
		TestTenant tenant = newTenant();
		String developer = newKey(tenant.id(), "developer");
		String session = "sess_01KBX7Q2ZJ6V3N8M4P5R9T0W1Y";
		// what a dishonest tenant posts before connecting: zeros under the keys the platform will use
		Map<String, Object> body = Map.of("data",
				List.of(event("fine", "tts_characters", 10, "2026-11-02T10:00:00Z"),
						sessionEvent(session + ":session_seconds", "session_seconds", 0, session),
						sessionEvent(session + ":compute_seconds", "compute_seconds", 0, session)));

		post(developer, body).expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/validation-failed")
			.jsonPath("$.errors[*].field")
			.isEqualTo(List.of("data[1].metric", "data[2].metric"))
			.jsonPath("$.errors[0].message")
			.isEqualTo("session_seconds is metered by the platform for its own sessions; a tenant cannot report it");
		assertThat(this.ledger.events(tenant.id()).collectList().block()).isEmpty();
	}

	@Test
	void ingestWhenTenantKeyEqualsAPlatformKeyThenBothAreStoredEachWithItsSource() {
		TestTenant tenant = newTenant();
		String session = "sess_01KBX7Q2ZJ6V3N8M4P5R9T0W2Z";
		String key = session + ":resp_1:output_audio_tokens";
		UsageEvent platform = new UsageEvent(tenant.id(), key, "agt_1", 1, session, 1, "gpt-realtime", "us-east",
				"openai-hosted", UsageEvent.OUTPUT_AUDIO_TOKENS, new BigDecimal("1200"),
				Instant.parse("2026-11-02T10:00:00Z"), Map.of());

		// the tenant's report first: it must not keep the platform's event out
		post(newKey(tenant.id(), "developer"),
				Map.of("data", List.of(Map.of("idempotency_key", key, "metric", "output_audio_tokens", "quantity", 0,
						"occurred_at", "2026-11-02T09:00:00Z", "model", "gpt-realtime"))))
			.expectStatus()
			.isOk()
			.expectBody()
			.json("{\"recorded\":1,\"duplicates\":0}");
		assertThat(this.ledger.record(List.of(platform)).block()).isEqualTo(1);
		assertThat(this.ledger.record(List.of(platform)).block()).isZero();

		List<UsageEvent> events = this.ledger.events(tenant.id()).collectList().block();
		assertThat(events).extracting(UsageEvent::idempotencyKey).containsExactly(key, key);
		assertThat(events).extracting(UsageEvent::source).containsExactly(UsageSource.TENANT, UsageSource.PLATFORM);
		assertThat(events.get(1).quantity()).isEqualByComparingTo("1200");
		assertThat(UsageLedger.sameBody(events.get(1), platform)).isTrue();
	}

	@Test
	void ingestWhenModelUsageNamesADuplexSessionOfTheTenantThen422NamingTheMetric() {
		TestTenant tenant = newTenant();
		String duplex = "sess_01KBX7Q2ZJ6V3N8M4P5R9T0W3A";
		// the session module's answer: the tenant has this one Duplex session
		SessionDirectory directory = (tenantId, ids) -> Mono
			.just(tenantId.equals(tenant.id()) && ids.contains(duplex) ? Set.of(duplex) : Set.of());
		UsageIngestion ingestion = new UsageIngestion(this.ledger,
				new StaticListableBeanFactory(Map.of("sessions", directory)).getBeanProvider(SessionDirectory.class));
		Caller developer = new Caller("key_test", tenant.id(), Role.DEVELOPER);
		List<Object> data = new ArrayList<>();
		for (String metric : UsageIngestion.SESSION_MODEL) {
			data.add(sessionEvent("own:" + metric, metric, 5, duplex));
		}
		// the same metrics of the tenant's own work (no session, or a session that is not Duplex's) are fine
		data.add(sessionEvent("self-hosted:1", "output_text_tokens", 5, "my-pipeline-7"));
		data.add(event("self-hosted:2", "input_audio_tokens", 5, "2026-11-02T10:00:00Z"));
		// a metric the platform does not meter may name the Duplex session
		data.add(sessionEvent("own:tool_calls", "tool_calls", 2, duplex));

		ingestion.ingest(developer, this.json.valueToTree(Map.of("data", data)))
			.as(StepVerifier::create)
			.verifyErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(ProblemException.class);
				ProblemException problem = (ProblemException) error;
				assertThat(problem.getStatusCode().value()).isEqualTo(422);
				@SuppressWarnings("unchecked")
				List<FieldError> errors = (List<FieldError>) problem.getBody().getProperties().get("errors");
				List<String> fields = new ArrayList<>();
				for (int i = 0; i < UsageIngestion.SESSION_MODEL.size(); i++) {
					fields.add("data[" + i + "].metric");
				}
				assertThat(errors).extracting(FieldError::field).isEqualTo(fields);
			});
		assertThat(this.ledger.events(tenant.id()).collectList().block()).isEmpty();

		ingestion.ingest(developer, this.json.valueToTree(Map.of("data",
				data.subList(UsageIngestion.SESSION_MODEL.size(), data.size()))))
			.as(StepVerifier::create)
			.assertNext((result) -> assertThat(result.recorded()).isEqualTo(3))
			.verifyComplete();
		// another tenant's key knows nothing of this tenant's session: its report is its own
		TestTenant other = newTenant();
		ingestion.ingest(new Caller("key_other", other.id(), Role.DEVELOPER),
				this.json.valueToTree(Map.of("data", data.subList(0, 1))))
			.as(StepVerifier::create)
			.assertNext((result) -> assertThat(result.recorded()).isEqualTo(1))
			.verifyComplete();
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

	private static Map<String, Object> sessionEvent(String key, String metric, Object quantity, String session) {
		return Map.of("idempotency_key", key, "metric", metric, "quantity", quantity, "occurred_at",
				"2026-11-02T10:00:00Z", "model", "gpt-realtime", "session", session);
	}

	private static Map<String, Object> event(String key, String metric, Object quantity, String at) {
		return Map.of("idempotency_key", key, "metric", metric, "quantity", quantity, "occurred_at", at, "model",
				"self-hosted-llm");
	}

}

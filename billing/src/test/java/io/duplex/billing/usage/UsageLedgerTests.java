package io.duplex.billing.usage;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.ContextConfiguration;

import io.duplex.core.id.Ids;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSource;
import io.duplex.test.TestDatabase;
import io.duplex.test.TestKeys;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The usage ledger against the real test database: idempotency, tenant isolation, exact quantities. */
@ExtendWith(OutputCaptureExtension.class)
// the control plane is on the test classpath: its first context must bootstrap the tests' admin key
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = "duplex.bootstrap.admin-key=" + TestKeys.PLATFORM_ADMIN)
@ContextConfiguration(initializers = TestDatabase.Initializer.class)
class UsageLedgerTests {

	@Autowired
	private UsageLedger ledger;

	@Autowired
	private DatabaseClient db;

	@Test
	void recordWhenEventsAreNewThenCountsAndStoresEveryField() {
		String tenant = Ids.newId("ten");
		UsageEvent full = TestUsageEvents.outputAudioTokens(tenant, "sess_1:resp_1:output_audio_tokens", "1520");
		UsageEvent bare = TestUsageEvents.bare(tenant, "sess_1:session_seconds");

		this.ledger.record(List.of(full, bare)).as(StepVerifier::create).expectNext(2).verifyComplete();
		recorded(tenant).as(StepVerifier::create).assertNext((events) -> {
			assertThat(events).hasSize(2);
			assertThat(UsageLedger.sameBody(events.get(full.idempotencyKey()), full)).isTrue();
			assertThat(UsageLedger.sameBody(events.get(bare.idempotencyKey()), bare)).isTrue();
			assertThat(events.get(full.idempotencyKey()).tags()).isEqualTo(Map.of("team", "sales"));
			assertThat(events.get(bare.idempotencyKey()).agentId()).isNull();
		}).verifyComplete();
	}

	@Test
	void recordWhenKeyRepeatsThenSecondWriteIsIgnoredQuietly(CapturedOutput output) {
		String tenant = Ids.newId("ten");
		UsageEvent event = TestUsageEvents.outputAudioTokens(tenant, "sess_1:resp_1:output_audio_tokens", "10");

		this.ledger.record(List.of(event))
			.concatWith(this.ledger.record(List.of(event)))
			.as(StepVerifier::create)
			.expectNext(1, 0)
			.verifyComplete();
		count(tenant).as(StepVerifier::create).expectNext(1L).verifyComplete();
		assertThat(output).doesNotContain(tenant);
	}

	@Test
	void recordWhenKeyRepeatsWithinOneBatchThenStoredOnce() {
		String tenant = Ids.newId("ten");
		UsageEvent event = TestUsageEvents.bare(tenant, "k");

		this.ledger.record(List.of(event, event)).as(StepVerifier::create).expectNext(1).verifyComplete();
	}

	@Test
	void recordWhenKeyRepeatsWithDifferentBodyThenFirstStandsAndAWarningNamesTheKey(CapturedOutput output) {
		String tenant = Ids.newId("ten");
		UsageEvent first = TestUsageEvents.outputAudioTokens(tenant, "sess_1:resp_7:output_audio_tokens", "10");
		UsageEvent changed = TestUsageEvents.withQuantity(first, "99");

		this.ledger.record(List.of(first))
			.concatWith(this.ledger.record(List.of(changed)))
			.as(StepVerifier::create)
			.expectNext(1, 0)
			.verifyComplete();
		recorded(tenant).as(StepVerifier::create)
			.assertNext((events) -> assertThat(events.get(first.idempotencyKey()).quantity())
				.isEqualByComparingTo("10"))
			.verifyComplete();
		assertThat(output).containsPattern("WARN.*sess_1:resp_7:output_audio_tokens of tenant " + tenant);
	}

	@Test
	void recordWhenAnotherTenantUsesTheSameKeyThenBothAreStoredApart() {
		String tenantA = Ids.newId("ten");
		String tenantB = Ids.newId("ten");
		String key = "sess_1:resp_1:output_audio_tokens";

		this.ledger.record(List.of(TestUsageEvents.outputAudioTokens(tenantA, key, "10")))
			.concatWith(this.ledger.record(List.of(TestUsageEvents.outputAudioTokens(tenantB, key, "20"))))
			.as(StepVerifier::create)
			.expectNext(1, 1)
			.verifyComplete();
		recorded(tenantA).as(StepVerifier::create)
			.assertNext((events) -> assertThat(events.get(key).quantity()).isEqualByComparingTo("10"))
			.verifyComplete();
		recorded(tenantB).as(StepVerifier::create)
			.assertNext((events) -> assertThat(events.get(key).quantity()).isEqualByComparingTo("20"))
			.verifyComplete();
	}

	@Test
	void recordWhenBothSourcesUseTheSameKeyThenEachIsStoredOnceWithItsSourceAndEstimation() {
		String tenant = Ids.newId("ten");
		String key = "sess_1:resp_1:output_audio_tokens";
		UsageEvent platform = estimated(TestUsageEvents.outputAudioTokens(tenant, key, "10"), UsageSource.PLATFORM);
		UsageEvent reported = TestUsageEvents.withSource(TestUsageEvents.outputAudioTokens(tenant, key, "0"),
				UsageSource.TENANT);

		this.ledger.record(List.of(reported))
			.concatWith(this.ledger.record(List.of(platform, reported)))
			.concatWith(this.ledger.record(List.of(platform, reported)))
			.as(StepVerifier::create)
			.expectNext(1, 1, 0)
			.verifyComplete();
		this.ledger.events(tenant).collectList().as(StepVerifier::create).assertNext((events) -> {
			assertThat(events).hasSize(2);
			assertThat(events).filteredOn((event) -> event.source() == UsageSource.PLATFORM)
				.singleElement()
				.satisfies((event) -> {
					assertThat(event.estimated()).isTrue();
					assertThat(UsageLedger.sameBody(event, platform)).isTrue();
				});
			assertThat(events).filteredOn((event) -> event.source() == UsageSource.TENANT)
				.singleElement()
				.satisfies((event) -> {
					assertThat(event.estimated()).isFalse();
					assertThat(event.quantity()).isEqualByComparingTo("0");
				});
		}).verifyComplete();
	}

	@Test
	void recordWhenQuantityHasSixDecimalsOrFourteenDigitsThenReadBackExactly() {
		String tenant = Ids.newId("ten");
		List<String> quantities = List.of("0.000001", "12345678901234.999999", "1.5", "0");
		List<UsageEvent> events = quantities.stream()
			.map((quantity) -> TestUsageEvents.outputAudioTokens(tenant, "q:" + quantity, quantity))
			.toList();

		this.ledger.record(events).as(StepVerifier::create).expectNext(4).verifyComplete();
		recorded(tenant).as(StepVerifier::create).assertNext((recorded) -> {
			for (String quantity : quantities) {
				assertThat(recorded.get("q:" + quantity).quantity()).isEqualByComparingTo(new BigDecimal(quantity));
			}
		}).verifyComplete();
	}

	@Test
	void recordWhenQuantityWouldBeRoundedThenErrorsAndStoresNothingOfTheBatch() {
		String tenant = Ids.newId("ten");
		List<UsageEvent> events = List.of(TestUsageEvents.bare(tenant, "fine"),
				TestUsageEvents.outputAudioTokens(tenant, "too-fine", "0.0000001"));

		this.ledger.record(events).as(StepVerifier::create).verifyError(IllegalArgumentException.class);
		count(tenant).as(StepVerifier::create).expectNext(0L).verifyComplete();
	}

	@Test
	void recordWhenNothingToRecordThenZero() {
		this.ledger.record(List.of()).as(StepVerifier::create).expectNext(0).verifyComplete();
	}

	/** The tenant's recorded events by idempotency key. */
	@Test
	void recordWhenTheWriteDiesMidBatchThenNothingIsStoredAndTheRetryStoresEachEventOnce() {
		String tenant = Ids.newId("ten");
		List<UsageEvent> batch = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			batch.add(TestUsageEvents.outputAudioTokens(tenant, "sess_1:resp_" + i + ":output_audio_tokens",
					String.valueOf(1000 + i)));
		}
		// the database dies on the 300th row of the statement, after 299 were written
		String trigger = "kill_" + tenant.toLowerCase();
		this.db.sql("CREATE FUNCTION billing." + trigger + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
				+ "IF NEW.tenant_id = '" + tenant + "' AND NEW.idempotency_key = 'sess_1:resp_299:output_audio_tokens' "
				+ "THEN RAISE EXCEPTION 'killed'; END IF; RETURN NEW; END $$").then().block();
		this.db.sql("CREATE TRIGGER " + trigger + " BEFORE INSERT ON billing.usage_event FOR EACH ROW EXECUTE "
				+ "FUNCTION billing." + trigger + "()").then().block();
		try {
			this.ledger.record(batch).as(StepVerifier::create).verifyError();
			count(tenant).as(StepVerifier::create).expectNext(0L).verifyComplete();
		}
		finally {
			this.db.sql("DROP TRIGGER " + trigger + " ON billing.usage_event").then().block();
			this.db.sql("DROP FUNCTION billing." + trigger + "()").then().block();
		}

		// the sender retries (at least once): every event is stored exactly once
		this.ledger.record(batch).as(StepVerifier::create).expectNext(500).verifyComplete();
		this.ledger.record(batch).as(StepVerifier::create).expectNext(0).verifyComplete();
		count(tenant).as(StepVerifier::create).expectNext(500L).verifyComplete();
		this.db.sql("SELECT sum(quantity) AS total FROM billing.usage_event WHERE tenant_id = :tenantId")
			.bind("tenantId", tenant)
			.map((row) -> row.get("total", BigDecimal.class))
			.one()
			.as(StepVerifier::create)
			.assertNext((total) -> assertThat(total).isEqualByComparingTo(String.valueOf(500 * 1000 + 499 * 500 / 2)))
			.verifyComplete();
	}

	private Mono<Map<String, UsageEvent>> recorded(String tenantId) {
		return this.ledger.events(tenantId).collectMap(UsageEvent::idempotencyKey);
	}

	private static UsageEvent estimated(UsageEvent event, UsageSource source) {
		return new UsageEvent(event.tenantId(), event.idempotencyKey(), event.agentId(), event.agentVersion(),
				event.sessionId(), event.segment(), event.model(), event.region(), event.compute(), event.metric(),
				event.quantity(), event.occurredAt(), event.tags(), source, true);
	}

	private Mono<Long> count(String tenantId) {
		return this.db.sql("SELECT count(*) AS n FROM billing.usage_event WHERE tenant_id = :tenantId")
			.bind("tenantId", tenantId)
			.map((row) -> row.get("n", Long.class))
			.one();
	}

}

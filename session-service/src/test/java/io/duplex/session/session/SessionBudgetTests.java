package io.duplex.session.session;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import io.duplex.core.budget.BudgetGuard;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSink;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A used-up hard-capped budget, with the real billing module behind the {@link BudgetGuard} port:
 * new sessions are refused with 402, running ones are ended on their node with a message naming
 * the budget, and the usage they incurred is kept.
 */
@Import(SessionLifecycleTests.RecordingNode.class)
class SessionBudgetTests extends SessionApiTestSupport {

	@Autowired
	private SessionLifecycleTests.RecordingNode node;

	@Autowired
	private BudgetEnforcer enforcer;

	@Autowired
	private BudgetGuard guard;

	@Autowired
	private UsageSink usage;

	@Test
	void whenHardCappedBudgetIsUsedUpThenNewSessionsAreRefusedAndRunningOnesEnded() throws InterruptedException {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String budget = post(as(tenant.adminKey()), "/v1/budgets",
				Map.of("amount", "1.00", "currency", "USD", "hard_cap", true)).get("id").toString();
		Map<String, Object> running = createSession(tenant.adminKey(), agent);
		String runningId = running.get("id").toString();
		String waitingId = createSession(tenant.adminKey(), agent).get("id").toString();
		this.sessions.markActive(tenant.id(), runningId, "node_a").as(StepVerifier::create).verifyComplete();
		// 31,250 audio output tokens at 64.00/M = 2.00: twice the budget
		this.usage.record(List.of(new UsageEvent(tenant.id(), runningId + ":resp_1:output_audio_tokens", agent, 1,
				runningId, 1, running.get("model").toString(), null, null, UsageEvent.OUTPUT_AUDIO_TOKENS,
				new BigDecimal("31250"), Instant.now(), Map.of()))).block();
		awaitCapped(tenant.id(), agent);

		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent), 402).jsonPath("$.type")
			.isEqualTo(PROBLEMS + "budget-exceeded")
			.jsonPath("$.budget")
			.isEqualTo(budget);
		// the enforcer also runs on its own every few seconds: whichever run gets there ends them
		this.enforcer.enforce().block();

		assertThat(this.node.ended).contains(runningId + " budget_exceeded");
		assertThat(this.node.messages).filteredOn((message) -> message.startsWith(runningId + " "))
			.isNotEmpty()
			.allSatisfy((message) -> assertThat(message).contains(budget));
		Map<String, Object> ended = session(tenant.adminKey(), runningId);
		assertThat(ended).containsEntry("status", "ended").containsEntry("end_reason", "budget_exceeded");
		assertThat(session(tenant.adminKey(), waitingId)).containsEntry("end_reason", "budget_exceeded");
		// the usage incurred stays: the tokens, and the session's time metered at its end
		assertThat(object(ended.get("cost"))).containsEntry("total", "2.00");
		assertThat(this.enforcer.enforce().block()).isZero();
	}

	/** Waits for billing's evaluation job (every 15 s by default) to find the budget used up. */
	private void awaitCapped(String tenantId, String agent) throws InterruptedException {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(40));
		while (Instant.now().isBefore(deadline)) {
			Boolean capped = this.guard.admit(tenantId, agent).thenReturn(false).onErrorReturn(true).block();
			if (Boolean.TRUE.equals(capped)) {
				return;
			}
			Thread.sleep(250);
		}
		throw new AssertionError("the budget of tenant " + tenantId + " was not found used up in time");
	}

}

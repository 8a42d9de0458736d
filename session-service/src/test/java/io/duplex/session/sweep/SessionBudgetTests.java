package io.duplex.session.sweep;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.duplex.core.budget.BudgetGuard;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSink;
import io.duplex.session.SessionNode;
import io.duplex.session.gateway.RealtimeTestClient;
import io.duplex.session.rest.SessionApiTestSupport;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A used-up hard-capped budget, with the real billing module behind the {@link BudgetGuard} port:
 * new sessions are refused with 402, and the running ones end within 2 s of billing finding the
 * budget used up, on this node and on another one: their client gets an {@code error} event with
 * code {@code budget_exhausted} and a message naming the budget, then a 1008 close. A session not
 * yet connected is ended too, and the usage the sessions incurred is kept.
 */
class SessionBudgetTests extends SessionApiTestSupport {

	@Autowired
	private BudgetEnforcer enforcer;

	@Autowired
	private BudgetGuard guard;

	@Autowired
	private UsageSink usage;

	@Test
	void whenHardCappedBudgetIsUsedUpThenNewSessionsAreRefusedAndRunningOnesEndOnEveryNode() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String budget = post(as(tenant.adminKey()), "/v1/budgets",
				Map.of("amount", "1.00", "currency", "USD", "hard_cap", true)).get("id").toString();
		String waitingId = createSession(tenant.adminKey(), agent).get("id").toString();
		try (SessionNode other = SessionNode.start(Map.of());
				RealtimeTestClient here = RealtimeTestClient.connect(socket(this.port, agent), tenant.adminKey());
				RealtimeTestClient there = RealtimeTestClient.connect(socket(other.port(), agent), tenant.adminKey())) {
			String hereId = here.await("session.created").path("session").path("id").asString();
			String thereId = there.await("session.created").path("session").path("id").asString();
			// 31,250 audio output tokens at 64.00/M = 2.00: twice the budget
			this.usage.record(List.of(new UsageEvent(tenant.id(), hereId + ":resp_1:output_audio_tokens", agent, 1,
					hereId, 1, "sandbox", null, null, UsageEvent.OUTPUT_AUDIO_TOKENS, new BigDecimal("31250"),
					Instant.now(), Map.of()))).block(Duration.ofSeconds(10));
			long found = awaitCapped(tenant.id(), agent);

			for (RealtimeTestClient client : List.of(here, there)) {
				assertThat(client.awaitClose(Duration.ofSeconds(10))).isEqualTo(1008);
				assertThat(Duration.ofNanos(client.closedAtNanos() - found)).as("from the budget found used up to the close")
					.isLessThan(Duration.ofSeconds(2));
				JsonNode error = client.await((event) -> "error".equals(event.path("type").asString()),
						Duration.ofSeconds(1));
				assertThat(error.path("error").path("code").asString()).isEqualTo("budget_exhausted");
				assertThat(error.path("error").path("message").asString()).contains(budget);
			}
			createSessionExpecting(tenant.adminKey(), Map.of("agent", agent), 402).jsonPath("$.type")
				.isEqualTo(PROBLEMS + "budget-exceeded")
				.jsonPath("$.budget")
				.isEqualTo(budget);
			for (String id : List.of(hereId, thereId, waitingId)) {
				assertThat(session(tenant.adminKey(), id)).containsEntry("status", "ended")
					.containsEntry("end_reason", "budget_exhausted");
			}
			// the usage incurred stays: the tokens, and the session's time metered at its end
			Map<String, Object> ended = session(tenant.adminKey(), hereId);
			assertThat(ended.get("duration_seconds")).isNotNull();
			assertThat(object(ended.get("cost"))).containsEntry("total", "2.00");
			// a session asked once is not asked again while the budget stays used up
			assertThat(this.enforcer.enforce().block(Duration.ofSeconds(10))).isZero();
		}
	}

	/**
	 * Waits for billing's evaluation job (every 15 s by default) to find the budget used up.
	 * @return {@link System#nanoTime()} when it was seen used up, within a 50 ms look
	 */
	private long awaitCapped(String tenantId, String agent) {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(40));
		while (Instant.now().isBefore(deadline)) {
			Boolean capped = this.guard.admit(tenantId, agent).thenReturn(false).onErrorReturn(true).block();
			if (Boolean.TRUE.equals(capped)) {
				return System.nanoTime();
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		throw new AssertionError("the budget of tenant " + tenantId + " was not found used up in time");
	}

	private static URI socket(int port, String agent) {
		return URI.create("ws://127.0.0.1:" + port + "/v1/realtime?agent=" + agent);
	}

}

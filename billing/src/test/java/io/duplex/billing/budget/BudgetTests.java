package io.duplex.billing.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;

import io.duplex.billing.BillingHttpTestSupport;
import io.duplex.core.budget.BudgetExceededException;
import io.duplex.core.budget.BudgetGuard;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSink;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** Budgets over HTTP, their evaluation against the real ledger, alerts and the {@link BudgetGuard} port. */
class BudgetTests extends BillingHttpTestSupport {

	private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {
	};

	@Autowired
	private BudgetService budgets;

	@Autowired
	private BudgetGuard guard;

	@Autowired
	private UsageSink sink;

	@Test
	void evaluateWhenSpendCrossesThresholdsThenEachAlertFiresOnceAndTheHardCapRefuses() {
		TestTenant tenant = newTenant();
		String finance = newKey(tenant.id(), "finance");
		Map<String, Object> budget = create(finance, Map.of("amount", "10.00", "currency", "USD", "hard_cap", true));
		assertThat(budget).containsEntry("thresholds", List.of(50, 80, 100)).containsEntry("spent", "0.00")
			.containsEntry("capped", false);
		String budgetId = budget.get("id").toString();

		// 100,000 audio output tokens at 64.00/M = 6.40: past 50 %
		record(tenant.id(), "r1", "agt_a", "100000");
		evaluate();
		evaluate();
		assertThat(alerts(tenant.adminKey())).extracting((alert) -> alert.get("threshold")).containsExactly(50);
		this.guard.admit(tenant.id(), "agt_a").as(StepVerifier::create).verifyComplete();

		// 60,000 more = 3.84, 10.24 in all: past 80 % and 100 %
		record(tenant.id(), "r2", "agt_b", "60000");
		evaluate();
		evaluate();
		List<Map<String, Object>> alerts = alerts(finance);
		assertThat(alerts).extracting((alert) -> alert.get("threshold")).containsExactly(100, 80, 50);
		assertThat(alerts.get(0)).containsEntry("budget", budgetId).containsEntry("spent", "10.24")
			.containsEntry("amount", "10.00").containsEntry("currency", "USD").containsEntry("hard_cap", true)
			.containsEntry("object", "budget.alert");
		assertThat(as(finance).get().uri("/v1/budgets/{id}", budgetId).exchange().expectStatus().isOk()
			.expectBody(MAP).returnResult().getResponseBody()).containsEntry("spent", "10.24")
			.containsEntry("capped", true);

		this.guard.admit(tenant.id(), "agt_a").as(StepVerifier::create).expectErrorSatisfies((ex) -> {
			assertThat(ex).isInstanceOf(BudgetExceededException.class);
			assertThat(((BudgetExceededException) ex).getStatusCode().value()).isEqualTo(402);
			assertThat(((BudgetExceededException) ex).slug()).isEqualTo("budget-exceeded");
			assertThat(ex.getMessage()).isNotNull();
		}).verify();
		assertThat(this.guard.capped().collectList().block()).anySatisfy((capped) -> {
			assertThat(capped.tenantId()).isEqualTo(tenant.id());
			assertThat(capped.agentId()).isNull();
			assertThat(capped.describe()).contains(budgetId).contains("10.00 USD");
		});
	}

	@Test
	void evaluateWhenAgentBudgetIsUsedUpThenOnlyThatAgentIsRefused() {
		TestTenant tenant = newTenant();
		create(tenant.adminKey(), Map.of("amount", "1", "currency", "USD", "agent", "agt_a", "thresholds",
				List.of(100), "hard_cap", true));
		create(tenant.adminKey(), Map.of("amount", "1000", "currency", "USD"));
		record(tenant.id(), "r1", "agt_a", "20000"); // 1.28
		record(tenant.id(), "r2", "agt_b", "5000000"); // 320.00 of another agent: not agt_a's budget

		evaluate();

		this.guard.admit(tenant.id(), "agt_a").as(StepVerifier::create).verifyError(BudgetExceededException.class);
		this.guard.admit(tenant.id(), "agt_b").as(StepVerifier::create).verifyComplete();
		assertThat(alerts(tenant.adminKey())).extracting((alert) -> alert.get("threshold") + " " + alert.get("agent"))
			.containsExactly("100 agt_a");
	}

	@Test
	void budgetsWhenInvalidDuplicateForeignOrRoleMayNotThenRefused() {
		TestTenant tenant = newTenant();
		TestTenant other = newTenant();
		String id = create(tenant.adminKey(), Map.of("amount", "5", "currency", "USD")).get("id").toString();

		as(tenant.adminKey()).post().uri("/v1/budgets").bodyValue(Map.of("amount", "5", "currency", "USD")).exchange()
			.expectStatus().isEqualTo(409).expectBody().jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/budget-exists");
		as(tenant.adminKey()).post().uri("/v1/budgets")
			.bodyValue(Map.of("amount", "-1", "currency", "usd", "thresholds", List.of(0, 50, 50))).exchange()
			.expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[*].field")
			.isEqualTo(List.of("currency", "amount", "thresholds"));
		for (String role : List.of("developer", "viewer")) {
			as(newKey(tenant.id(), role)).get().uri("/v1/budgets").exchange().expectStatus().isForbidden();
			as(newKey(tenant.id(), role)).get().uri("/v1/alerts").exchange().expectStatus().isForbidden();
		}
		as(other.adminKey()).get().uri("/v1/budgets/{id}", id).exchange().expectStatus().isNotFound();
		as(other.adminKey()).delete().uri("/v1/budgets/{id}", id).exchange().expectStatus().isNotFound();
		as(tenant.adminKey()).delete().uri("/v1/budgets/{id}", id).exchange().expectStatus().isNoContent();
		as(tenant.adminKey()).get().uri("/v1/budgets/{id}", id).exchange().expectStatus().isNotFound();
	}

	private Map<String, Object> create(String key, Map<String, Object> body) {
		return as(key).post().uri("/v1/budgets").bodyValue(body).exchange().expectStatus().isCreated().expectBody(MAP)
			.returnResult().getResponseBody();
	}

	private List<Map<String, Object>> alerts(String key) {
		Map<String, Object> page = as(key).get().uri("/v1/alerts").exchange().expectStatus().isOk().expectBody(MAP)
			.returnResult().getResponseBody();
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> data = (List<Map<String, Object>>) page.get("data");
		return data;
	}

	private void evaluate() {
		this.budgets.evaluateAll().block();
	}

	private void record(String tenantId, String key, String agent, String tokens) {
		this.sink.record(List.of(new UsageEvent(tenantId, key, agent, 1, "sess_" + key, 1, "gpt-realtime", "us-east",
				null, UsageEvent.OUTPUT_AUDIO_TOKENS, new BigDecimal(tokens), Instant.now(), Map.of()))).block();
	}

}

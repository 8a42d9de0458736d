package io.duplex.core.budget;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

/**
 * A hard-capped budget used up this month.
 * @param agentId the agent the budget is for; null for the tenant's budget (every agent)
 * @param amount the monthly budget, in {@code currency}
 */
public record CappedBudget(String budgetId, String tenantId, @Nullable String agentId, BigDecimal amount,
		String currency) {

	/** What a client is told when its session is refused or ended for this budget. */
	public String describe() {
		return "The monthly budget " + this.budgetId + " of " + this.amount.toPlainString() + " " + this.currency
				+ ((this.agentId != null) ? " for agent " + this.agentId : "")
				+ " is used up and has a hard cap.";
	}

}

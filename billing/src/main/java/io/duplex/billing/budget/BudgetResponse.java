package io.duplex.billing.budget;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.duplex.billing.pricing.Money;

/**
 * A budget on the wire, with what the current month has spent so far; money as strings.
 * @param capped whether it is used up this month with a hard cap (sessions are refused and ended)
 */
record BudgetResponse(String id, String object, @Nullable String agent, String amount, String currency,
		List<Integer> thresholds, boolean hardCap, String month, String spent, boolean capped, Instant createdAt) {

	static BudgetResponse from(Budget budget, BudgetService.Spend spend) {
		return new BudgetResponse(budget.id(), "budget", budget.agentId(),
				Money.round(budget.amount(), budget.currency()).toPlainString(), budget.currency(),
				budget.thresholds(), budget.hardCap(), YearMonth.from(spend.month()).toString(),
				spend.spent().toPlainString(),
				budget.hardCap() && spend.spent().compareTo(budget.amount()) >= 0, budget.createdAt());
	}

	/** An alert on the wire. */
	record AlertResponse(String id, String object, String budget, @Nullable String agent, String month,
			int threshold, String amount, String spent, String currency, boolean hardCap, Instant createdAt) {

		static AlertResponse from(BudgetAlert alert) {
			return new AlertResponse(alert.id(), "budget.alert", alert.budgetId(), alert.agentId(),
					YearMonth.from(alert.month()).toString(), alert.threshold(),
					Money.round(alert.amount(), alert.currency()).toPlainString(),
					Money.round(alert.spent(), alert.currency()).toPlainString(), alert.currency(), alert.hardCap(),
					alert.createdAt());
		}

	}

}

package io.duplex.billing.budget;

import java.math.BigDecimal;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A new monthly budget of the caller's tenant, or of one of its agents.
 * @param thresholds percentages of the amount at which to record an alert; 50, 80 and 100 when absent
 * @param hardCap refuse new sessions and end running ones once the amount is spent
 */
record CreateBudgetRequest(@Nullable BigDecimal amount, @Nullable String currency, @Nullable String agent,
		@Nullable List<Integer> thresholds, @Nullable Boolean hardCap) {
}

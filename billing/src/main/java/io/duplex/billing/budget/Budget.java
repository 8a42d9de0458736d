package io.duplex.billing.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A monthly budget.
 * @param agentId the agent it is for; null for the whole tenant
 * @param thresholds percentages of {@code amount} at which an alert is recorded, ascending
 * @param hardCap whether sessions are refused and ended once {@code amount} is spent
 * @param cappedMonth the month (first day) in which it was found used up with a hard cap
 */
record Budget(String id, String tenantId, @Nullable String agentId, BigDecimal amount, String currency,
		List<Integer> thresholds, boolean hardCap, @Nullable LocalDate cappedMonth, Instant createdAt) {

	Budget {
		thresholds = List.copyOf(thresholds);
	}

}

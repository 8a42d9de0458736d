package io.duplex.billing.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

import org.jspecify.annotations.Nullable;

/** A threshold of a budget crossed in a month, recorded once. */
record BudgetAlert(String id, String tenantId, String budgetId, @Nullable String agentId, LocalDate month,
		int threshold, BigDecimal amount, BigDecimal spent, String currency, boolean hardCap, Instant createdAt) {
}

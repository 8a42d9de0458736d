/**
 * Budgets and alerts: monthly budgets per tenant or agent, thresholds recorded once as alerts, and
 * the hard cap enforced live through the {@code BudgetGuard} port.
 */
@NullMarked
package io.duplex.billing.budget;

import org.jspecify.annotations.NullMarked;

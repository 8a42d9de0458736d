/**
 * Price books and rating: which unit price was in force for a tenant, model and metric at an
 * instant, and what usage costs under it, computed exactly and rounded once per line: the one
 * pricing path of reports, invoices, budgets and session costs
 * ({@link io.duplex.billing.pricing.Rater}) and of exports
 * ({@link io.duplex.billing.pricing.LinePricer}, {@link io.duplex.billing.pricing.LineCosts}).
 * All money arithmetic, and the one rule that rounds lines as running totals, is in
 * {@link io.duplex.billing.pricing.Money}.
 */
@NullMarked
package io.duplex.billing.pricing;

import org.jspecify.annotations.NullMarked;

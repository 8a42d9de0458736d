/**
 * Invoices: one per tenant, calendar month and currency, a draft while the month runs and
 * finalized by an idempotent job after it; lines per model and metric that add up to the FOCUS
 * export's BilledCost of the same month, to the cent.
 */
@NullMarked
package io.duplex.billing.invoice;

import org.jspecify.annotations.NullMarked;

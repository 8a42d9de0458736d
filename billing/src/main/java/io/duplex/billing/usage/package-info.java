/**
 * The usage ledger: every measured quantity sessions report, stored once per idempotency key,
 * from which rating, budgets and exports read.
 */
@NullMarked
package io.duplex.billing.usage;

import org.jspecify.annotations.NullMarked;

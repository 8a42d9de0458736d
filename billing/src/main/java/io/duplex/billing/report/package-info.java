/**
 * Usage reports and exports: rated usage grouped and filtered for finance users, and streamed as
 * CSV, always adding up to the same rounded totals.
 */
@NullMarked
package io.duplex.billing.report;

import org.jspecify.annotations.NullMarked;

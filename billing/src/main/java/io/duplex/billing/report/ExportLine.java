package io.duplex.billing.report;

import java.math.BigDecimal;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.duplex.billing.pricing.PriceUnit;

/**
 * One rated line of an export: the usage of one tenant, session, agent, model, metric, tags,
 * source and estimation at one price (and, for FOCUS, on one UTC day, region and pool).
 * @param unit null when unpriced
 * @param unitPrice net of discounts; null when unpriced
 * @param listUnitPrice the platform's list price; null when unpriced
 * @param tags the tags as a JSON object with sorted keys
 * @param day the UTC day the line's usage occurred on; null when the export does not split by day
 * @param cost the line's cost, rounded as a running total (see {@code Money#roundLines})
 * @param listCost the line's cost at list prices, rounded the same way
 * @param source who measured the line's usage: {@code platform} or {@code tenant}
 * @param estimated whether its quantity was estimated from what was produced (no provider usage)
 */
record ExportLine(String tenantId, @Nullable String sessionId, @Nullable String agentId, String model, String metric,
		@Nullable String region, @Nullable String compute, @Nullable PriceUnit unit, @Nullable BigDecimal unitPrice,
		@Nullable BigDecimal listUnitPrice, @Nullable String bookId, String currency, String tags,
		@Nullable Instant day, BigDecimal quantity, BigDecimal cost, BigDecimal listCost, String source,
		boolean estimated) {
}

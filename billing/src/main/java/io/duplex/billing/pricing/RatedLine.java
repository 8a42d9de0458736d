package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A line of a report, export or invoice: the usage that shares {@code key} and a currency.
 * @param key the values the line is grouped by, in the grouping's order (null where an event has none)
 * @param exactCost the exact sum of the events' costs
 * @param cost {@code exactCost} rounded once (see {@link Money#roundLines})
 */
public record RatedLine(List<@Nullable String> key, String currency, BigDecimal quantity, BigDecimal exactCost,
		BigDecimal cost) {
}

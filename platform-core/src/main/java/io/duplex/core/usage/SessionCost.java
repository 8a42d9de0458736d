package io.duplex.core.usage;

import java.math.BigDecimal;
import java.util.List;

/**
 * A session's cost so far in one currency: its items add up to {@code total} exactly (each item is
 * rounded once, as a line of an invoice is).
 * @param currency ISO 4217 code of the tenant's prices
 * @param total in the currency's minor unit
 * @param items one per metric, ordered by metric
 */
public record SessionCost(String currency, BigDecimal total, List<Item> items) {

	public SessionCost {
		items = List.copyOf(items);
	}

	/**
	 * The usage of one metric.
	 * @param quantity summed, in the metric's own unit (tokens, seconds, characters)
	 * @param cost rounded once, in the currency's minor unit
	 */
	public record Item(String metric, BigDecimal quantity, BigDecimal cost) {
	}

}

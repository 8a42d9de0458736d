package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * Rounds an export's lines as running totals per currency ({@link Money#roundLines} one line at a
 * time), at contract and at list prices: the rows add up to the rounded exact total of everything
 * in the export.
 */
public final class RunningCosts {

	/** Per currency: exact sum so far, its rounding, and the same at list prices. */
	private final Map<String, BigDecimal[]> running = new HashMap<>();

	/** The next line's costs, given its exact amounts. */
	public Costs next(String currency, BigDecimal exact, BigDecimal exactList) {
		BigDecimal[] sums = this.running.computeIfAbsent(currency, (c) -> new BigDecimal[] { BigDecimal.ZERO,
				Money.round(BigDecimal.ZERO, c), BigDecimal.ZERO, Money.round(BigDecimal.ZERO, c) });
		sums[0] = sums[0].add(exact);
		BigDecimal rounded = Money.round(sums[0], currency);
		BigDecimal cost = rounded.subtract(sums[1]);
		sums[1] = rounded;
		sums[2] = sums[2].add(exactList);
		BigDecimal roundedList = Money.round(sums[2], currency);
		BigDecimal listCost = roundedList.subtract(sums[3]);
		sums[3] = roundedList;
		return new Costs(cost, listCost);
	}

	/** A line's cost and list cost, rounded as running totals. */
	public record Costs(BigDecimal cost, BigDecimal listCost) {
	}

}

package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * Rounds an export's lines as running totals per currency ({@link Money.RunningRound}, the rule of
 * {@link Money#roundLines}), at contract and at list prices: the rows add up to the rounded exact
 * total of everything in the export.
 */
public final class RunningCosts {

	/** Per currency: the running rounding at contract prices and at list prices. */
	private final Map<String, Money.RunningRound[]> running = new HashMap<>();

	/** The next line's costs, given its exact amounts. */
	public Costs next(String currency, BigDecimal exact, BigDecimal exactList) {
		Money.RunningRound[] rounds = this.running.computeIfAbsent(currency,
				(c) -> new Money.RunningRound[] { new Money.RunningRound(c), new Money.RunningRound(c) });
		return new Costs(rounds[0].next(exact), rounds[1].next(exactList));
	}

	/** A line's cost and list cost, rounded as running totals. */
	public record Costs(BigDecimal cost, BigDecimal listCost) {
	}

}

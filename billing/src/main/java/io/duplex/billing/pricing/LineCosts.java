package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The costs of an export's lines, summed one line at a time and rounded as running totals per
 * currency ({@link RunningCosts}): the rows add up to the rounded exact total of everything in the
 * export. A line has one price, so its exact cost is that price times its summed quantity (the
 * same value as the sum of its events' costs), but for prices per minute, whose quotient
 * {@link Money#exactCost} cuts event by event: those are summed as they come.
 */
public final class LineCosts {

	private final boolean withList;

	private final RunningCosts running = new RunningCosts();

	private @Nullable LinePrice price;

	private BigDecimal quantity = BigDecimal.ZERO;

	private BigDecimal exactPerMinute = BigDecimal.ZERO;

	private BigDecimal exactListPerMinute = BigDecimal.ZERO;

	/** @param withList whether list costs are wanted (FOCUS): else they are 0, not worth computing */
	public LineCosts(boolean withList) {
		this.withList = withList;
	}

	/** Adds usage to the line being summed (which it starts when there is none), at {@code price}. */
	public void add(LinePrice price, BigDecimal quantity) {
		if (this.price == null) {
			this.price = price;
			this.quantity = quantity;
		}
		else {
			this.quantity = this.quantity.add(quantity);
		}
		if (price.applied().unit() == PriceUnit.PER_MINUTE) {
			this.exactPerMinute = this.exactPerMinute.add(price.applied().exactCost(quantity));
			if (this.withList) {
				this.exactListPerMinute = this.exactListPerMinute.add(price.applied().exactListCost(quantity));
			}
		}
	}

	/** The summed quantity of the line being summed. */
	public BigDecimal quantity() {
		return this.quantity;
	}

	/** Ends the line being summed: its costs, rounded as the next running total of its currency. */
	public RunningCosts.Costs finish() {
		LinePrice price = Objects.requireNonNull(this.price, "no line");
		boolean perMinute = price.applied().unit() == PriceUnit.PER_MINUTE;
		BigDecimal exact = perMinute ? this.exactPerMinute : price.exactCost(this.quantity, false);
		BigDecimal exactList = !this.withList ? BigDecimal.ZERO
				: perMinute ? this.exactListPerMinute : price.exactCost(this.quantity, true);
		RunningCosts.Costs costs = this.running.next(price.applied().currency(), exact, exactList);
		this.price = null;
		this.quantity = BigDecimal.ZERO;
		this.exactPerMinute = BigDecimal.ZERO;
		this.exactListPerMinute = BigDecimal.ZERO;
		return costs;
	}

}

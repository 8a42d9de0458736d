package io.duplex.billing.pricing;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

/**
 * The price an event was rated at.
 * @param bookId the book version the price came from; null when no book priced the event
 * @param unit null when unpriced
 * @param unitPrice net of any tenant discount, exact; null when unpriced (the event then costs 0)
 * @param currency the currency of the book the price came from (the platform's when unpriced)
 */
public record AppliedPrice(@Nullable String bookId, @Nullable PriceUnit unit, @Nullable BigDecimal unitPrice,
		String currency) {

	/** The exact cost of {@code quantity} at this price, never rounded; 0 when unpriced. */
	public BigDecimal exactCost(BigDecimal quantity) {
		if (this.unit == null || this.unitPrice == null) {
			return BigDecimal.ZERO;
		}
		return Money.exactCost(quantity, this.unitPrice, this.unit);
	}

}

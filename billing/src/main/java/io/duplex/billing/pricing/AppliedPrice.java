package io.duplex.billing.pricing;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

/**
 * The price an event was rated at.
 * @param bookId the book version the price came from; null when no book priced the event
 * @param unit null when unpriced
 * @param unitPrice net of any tenant discount, exact; null when unpriced (the event then costs 0)
 * @param currency the currency of the book the price came from (the platform's when unpriced)
 * @param listUnitPrice the platform's list price before any contract price or discount (the
 * contract price when the platform book has none); null when unpriced
 */
public record AppliedPrice(@Nullable String bookId, @Nullable PriceUnit unit, @Nullable BigDecimal unitPrice,
		String currency, @Nullable BigDecimal listUnitPrice) {

	/** An event no book prices: it costs 0. */
	static AppliedPrice unpriced(String currency) {
		return new AppliedPrice(null, null, null, currency, null);
	}

	/** The exact cost of {@code quantity} at this price, never rounded; 0 when unpriced. */
	public BigDecimal exactCost(BigDecimal quantity) {
		if (this.unit == null || this.unitPrice == null) {
			return BigDecimal.ZERO;
		}
		return Money.exactCost(quantity, this.unitPrice, this.unit);
	}

	/** The exact cost of {@code quantity} at the list price, never rounded; 0 when unpriced. */
	public BigDecimal exactListCost(BigDecimal quantity) {
		if (this.unit == null || this.listUnitPrice == null) {
			return BigDecimal.ZERO;
		}
		return Money.exactCost(quantity, this.listUnitPrice, this.unit);
	}

}

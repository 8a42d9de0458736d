package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The price of a line of an export: the applied price, its unit prices as the line prints them and
 * as costs are computed with.
 * @param unitPrice as the line prints it ({@link Money#printedUnitPrice}); null when unpriced
 * @param listUnitPrice the list price, printed the same way; null when unpriced
 * @param exactUnitPrice the same value without trailing zeros, to compute with: costs of the same
 * value with fewer decimals, so that sums and their rounding stay small
 * @param exactListUnitPrice the list price, the same way
 */
public record LinePrice(AppliedPrice applied, @Nullable BigDecimal unitPrice, @Nullable BigDecimal listUnitPrice,
		@Nullable BigDecimal exactUnitPrice, @Nullable BigDecimal exactListUnitPrice) {

	public static LinePrice of(AppliedPrice applied) {
		return new LinePrice(applied, Money.printedUnitPrice(applied.unitPrice()),
				Money.printedUnitPrice(applied.listUnitPrice()), stripped(applied.unitPrice()),
				stripped(applied.listUnitPrice()));
	}

	/** As {@link AppliedPrice#exactCost} (or {@code exactListCost} when {@code list}): the same value. */
	public BigDecimal exactCost(BigDecimal quantity, boolean list) {
		PriceUnit unit = this.applied.unit();
		BigDecimal price = list ? this.exactListUnitPrice : this.exactUnitPrice;
		return (unit != null && price != null) ? Money.exactCost(quantity, price, unit) : BigDecimal.ZERO;
	}

	/** Whether usage at both prices belongs to one line: same unit, printed prices, book and currency. */
	public boolean sameAs(LinePrice other) {
		return this == other || (this.applied.unit() == other.applied.unit()
				&& Objects.equals(this.unitPrice, other.unitPrice)
				&& Objects.equals(this.listUnitPrice, other.listUnitPrice)
				&& Objects.equals(this.applied.bookId(), other.applied.bookId())
				&& this.applied.currency().equals(other.applied.currency()));
	}

	private static @Nullable BigDecimal stripped(@Nullable BigDecimal price) {
		return (price != null) ? price.stripTrailingZeros() : null;
	}

}

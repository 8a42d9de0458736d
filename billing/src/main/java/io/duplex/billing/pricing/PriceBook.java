package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One immutable version of a price book: the platform book ({@code tenantId} null) or a tenant's
 * contract book, in force from {@code effectiveFrom} until the next version of the same book.
 * @param discountPercent for a tenant book: percent taken off the platform prices of everything the
 * book has no contract price for; always 0 for the platform book
 */
public record PriceBook(String id, String name, String currency, Instant effectiveFrom, @Nullable String tenantId,
		BigDecimal discountPercent, List<Price> prices, Instant createdAt) {

	public PriceBook {
		prices = List.copyOf(prices);
	}

}

package io.duplex.billing.pricing;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A price book version on the wire; money and percentages are strings, never floats. */
record PriceBookResponse(String id, String object, String name, String currency, Instant effectiveFrom,
		@Nullable String tenantId, String discountPercent, List<PriceResponse> prices, Instant createdAt) {

	/** @param compute the pool the price is limited to; null for every pool */
	record PriceResponse(String model, String metric,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String compute, String unit, String unitPrice) {
	}

	static PriceBookResponse from(PriceBook book) {
		return new PriceBookResponse(book.id(), "price_book", book.name(), book.currency(), book.effectiveFrom(),
				book.tenantId(), book.discountPercent().toPlainString(),
				book.prices()
					.stream()
					.map((price) -> new PriceResponse(price.model(), price.metric(), price.compute(), price.unit().wireName(),
							Money.bookUnitPrice(price.unitPrice()).toPlainString()))
					.toList(),
				book.createdAt());
	}

}

package io.duplex.billing.pricing;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

/**
 * The unit price of one metric of one model in a price book.
 * @param model a model id, or {@link #ANY_MODEL} for a price of every model (the platform fee per
 * session minute, compute minutes)
 * @param compute a compute pool id: the price applies to usage on that pool only; null for every pool
 * @param unitPrice in the book's currency, per {@code unit}
 */
public record Price(String model, String metric, @Nullable String compute, PriceUnit unit, BigDecimal unitPrice) {

	/** The model of a price that applies whatever the model. */
	public static final String ANY_MODEL = "*";

	public Price(String model, String metric, PriceUnit unit, BigDecimal unitPrice) {
		this(model, metric, null, unit, unitPrice);
	}

}

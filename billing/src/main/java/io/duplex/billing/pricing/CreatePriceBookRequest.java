package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A new price book version. Without {@code tenantId} it is the platform book (complete: it
 * replaces every platform price from {@code effectiveFrom} on); with one it is that tenant's
 * contract book (contract prices and/or a discount in percent on the platform prices).
 */
record CreatePriceBookRequest(@Nullable String name, @Nullable String currency, @Nullable Instant effectiveFrom,
		@Nullable String tenantId, @Nullable BigDecimal discountPercent, @Nullable List<PriceRequest> prices) {

	/**
	 * One price.
	 * @param model a model id, or {@code *} for every model (e.g. the platform fee per session minute)
	 * @param compute limits the price to usage on one compute pool (e.g. compute minutes of a pool)
	 */
	record PriceRequest(@Nullable String model, @Nullable String metric, @Nullable String compute,
			@Nullable String unit, @Nullable BigDecimal unitPrice) {
	}

}

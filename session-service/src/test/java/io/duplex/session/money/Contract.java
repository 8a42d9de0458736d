package io.duplex.session.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A tenant's contract as the test wrote it: price book versions, each with a price for every
 * metric the history uses, and the test's own reading of the documented pricing rules (the version
 * in force at an event's instant; within it the most specific price: of the model on the pool, of
 * the model, of any model on the pool, of any model; exact cost, a price per minute of seconds cut
 * at 30 decimals half-even, per million tokens divided by a million), so that every view can be
 * compared with an answer computed without the rater.
 */
record Contract(List<Version> versions) {

	/** Decimals the documented rule keeps of a cost priced per minute. */
	private static final int PER_MINUTE_SCALE = 30;

	/** A version of the tenant's book: in force from {@code from} until the next one. */
	record Version(Instant from, List<Price> prices) {
	}

	/** One price; {@code model} {@code *} for every model, {@code compute} null for every pool. */
	record Price(String model, String metric, @Nullable String compute, String unit, BigDecimal unitPrice) {

		Map<String, Object> wire() {
			Map<String, Object> price = new LinkedHashMap<>();
			price.put("model", this.model);
			price.put("metric", this.metric);
			if (this.compute != null) {
				price.put("compute", this.compute);
			}
			price.put("unit", this.unit);
			price.put("unit_price", this.unitPrice.toPlainString());
			return price;
		}

	}

	Contract {
		versions = versions.stream().sorted(Comparator.comparing(Version::from)).toList();
	}

	/** The exact cost of {@code quantity} of an event at {@code at}; fails when nothing prices it. */
	BigDecimal exactCost(String model, String metric, @Nullable String compute, BigDecimal quantity, Instant at) {
		Price price = priceAt(model, metric, compute, at);
		return switch (price.unit()) {
			case "per_million_tokens" -> quantity.multiply(price.unitPrice()).movePointLeft(6);
			case "per_minute" ->
				quantity.multiply(price.unitPrice()).divide(BigDecimal.valueOf(60), PER_MINUTE_SCALE, RoundingMode.HALF_EVEN);
			default -> quantity.multiply(price.unitPrice());
		};
	}

	Price priceAt(String model, String metric, @Nullable String compute, Instant at) {
		Version inForce = null;
		for (Version version : this.versions) {
			if (!version.from().isAfter(at)) {
				inForce = version;
			}
		}
		if (inForce == null) {
			throw new AssertionError("the test priced nothing at " + at);
		}
		List<Price> candidates = new ArrayList<>();
		if (compute != null) {
			candidates.add(find(inForce, model, metric, compute));
		}
		candidates.add(find(inForce, model, metric, null));
		if (compute != null) {
			candidates.add(find(inForce, "*", metric, compute));
		}
		candidates.add(find(inForce, "*", metric, null));
		return candidates.stream()
			.filter(Objects::nonNull)
			.findFirst()
			.orElseThrow(() -> new AssertionError("the test has no price of " + metric + " of " + model));
	}

	private static @Nullable Price find(Version version, String model, String metric, @Nullable String compute) {
		for (Price price : version.prices()) {
			if (price.model().equals(model) && price.metric().equals(metric)
					&& Objects.equals(price.compute(), compute)) {
				return price;
			}
		}
		return null;
	}

}

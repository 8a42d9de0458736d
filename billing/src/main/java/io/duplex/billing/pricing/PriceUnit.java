package io.duplex.billing.pricing;

import java.util.Arrays;
import java.util.Optional;

/** What a unit price is per; the wire and database name is {@link #wireName()}. */
public enum PriceUnit {

	PER_MILLION_TOKENS("per_million_tokens", 6, "_tokens"), PER_SECOND("per_second", 0, "_seconds"),
	/** Seconds priced per minute: the platform fee per session minute, compute minutes per pool. */
	PER_MINUTE("per_minute", 0, "_seconds"), PER_CHARACTER("per_character", 0, "_characters");

	private final String wireName;

	private final int decimalShift;

	private final String metricSuffix;

	PriceUnit(String wireName, int decimalShift, String metricSuffix) {
		this.wireName = wireName;
		this.decimalShift = decimalShift;
		this.metricSuffix = metricSuffix;
	}

	public String wireName() {
		return this.wireName;
	}

	/** Powers of ten a quantity is divided by before the price applies (6 for per million). */
	int decimalShift() {
		return this.decimalShift;
	}

	/** Whether a metric is measured in this unit: tokens per million, seconds, characters. */
	public boolean measures(String metric) {
		return metric.endsWith(this.metricSuffix);
	}

	public static Optional<PriceUnit> fromWireName(String name) {
		return Arrays.stream(values()).filter((unit) -> unit.wireName.equals(name)).findFirst();
	}

	/** The first unit a metric can be priced in; empty for a metric no unit measures. */
	public static Optional<PriceUnit> forMetric(String metric) {
		return Arrays.stream(values()).filter((unit) -> unit.measures(metric)).findFirst();
	}

}

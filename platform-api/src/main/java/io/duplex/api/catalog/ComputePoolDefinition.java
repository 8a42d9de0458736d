package io.duplex.api.catalog;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

/**
 * A compute pool as an admin writes it (and as {@code catalog.yaml} lists it); missing fields
 * are reported by {@link CatalogValidator}.
 * @param region required on create; on replace it may be left out, and must match the path if given
 * @param id required on create; on replace it may be left out, and must match the path if given
 * @param accelerator e.g. {@code none} or {@code nvidia-l4}
 * @param kind {@code shared-cpu}, {@code gpu} or {@code provider-hosted}
 * @param maxConcurrentSessions capacity in concurrent sessions
 * @param pricePerMinute USD per session minute, at most 6 decimal places; a JSON string or number
 * @param description optional
 */
record ComputePoolDefinition(@Nullable String region, @Nullable String id, @Nullable String accelerator,
		@Nullable String kind, @Nullable Integer maxConcurrentSessions, @Nullable BigDecimal pricePerMinute,
		@Nullable String description) {

	ComputePool toPool(String region, String id) {
		return new ComputePool(region, id, this.accelerator, this.kind, this.maxConcurrentSessions,
				CatalogValidator.money(this.pricePerMinute), (this.description != null) ? this.description.strip() : "");
	}

}

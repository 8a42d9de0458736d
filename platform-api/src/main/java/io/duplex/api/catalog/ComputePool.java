package io.duplex.api.catalog;

import java.math.BigDecimal;

/**
 * A pool of capacity in one region that sessions of some models run on: shared CPU nodes, a GPU
 * pool of self-hosted model servers, or a hosted provider. Identified by region and id together.
 * @param region the region's id
 * @param id the pool's id, the same in every region that has such a pool, e.g. {@code gpu-l4}
 * @param accelerator {@code none}, {@code nvidia-l4}, ...
 * @param kind {@code shared-cpu}, {@code gpu} or {@code provider-hosted}
 * @param maxConcurrentSessions how many sessions the pool holds at once
 * @param pricePerMinute USD per session minute on this pool, scale 6
 * @param description what the pool is, for people
 */
public record ComputePool(String region, String id, String accelerator, String kind, int maxConcurrentSessions,
		BigDecimal pricePerMinute, String description) {

	public static final String SHARED_CPU = "shared-cpu";

	public static final String GPU = "gpu";

	public static final String PROVIDER_HOSTED = "provider-hosted";

}

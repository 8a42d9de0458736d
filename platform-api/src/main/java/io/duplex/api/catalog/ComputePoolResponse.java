package io.duplex.api.catalog;

/**
 * A compute pool on the wire. {@code price_per_minute} is USD as a decimal string with exactly
 * six decimal places (e.g. {@code "0.012000"}), never a JSON number, so that no client rounds it
 * through a binary float.
 */
record ComputePoolResponse(String id, String object, String region, String accelerator, String kind,
		int maxConcurrentSessions, String pricePerMinute, String description) {

	static ComputePoolResponse from(ComputePool pool) {
		return new ComputePoolResponse(pool.id(), "compute_pool", pool.region(), pool.accelerator(), pool.kind(),
				pool.maxConcurrentSessions(), ModelResponse.money(pool.pricePerMinute()), pool.description());
	}

}

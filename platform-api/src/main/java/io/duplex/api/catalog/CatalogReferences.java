package io.duplex.api.catalog;

import reactor.core.publisher.Mono;

/**
 * Port: tells the catalog whether live resources of another feature (agents, and later others)
 * refer to an entry, so that an admin cannot delete an entry that is in use. Implementations
 * look across every tenant, since the catalog is platform-wide.
 */
public interface CatalogReferences {

	/** What uses the model, for a message such as {@code 3 agents}; empty when nothing does. */
	Mono<String> findModelUse(String modelId);

	/** What is placed in the region, for a message; empty when nothing is. */
	Mono<String> findRegionUse(String regionId);

	/** What is placed on the pool of the region, for a message; empty when nothing is. */
	Mono<String> findPoolUse(String regionId, String poolId);

}

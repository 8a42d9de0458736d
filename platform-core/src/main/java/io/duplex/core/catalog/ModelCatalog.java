package io.duplex.core.catalog;

import reactor.core.publisher.Mono;

/** Port: the catalog facts sessions need. Implemented by the control plane. */
public interface ModelCatalog {

	/** The model; empty when the catalog has none with this id. */
	Mono<ModelInfo> findModel(String id);

	/** The compute pool of a region; empty when there is none. */
	Mono<PoolInfo> findPool(String region, String id);

	/**
	 * Where {@code modelId} runs for a session in {@code region} on compute pool {@code compute}: the
	 * pool's own endpoints where the catalog sets them, else the model's. API keys come decrypted.
	 * @return the endpoints; {@link ModelUpstream#NONE} when the catalog sets none
	 */
	Mono<ModelUpstream> findUpstream(String modelId, String region, String compute);

}

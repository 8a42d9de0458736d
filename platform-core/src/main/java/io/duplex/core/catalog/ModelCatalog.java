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
	 * pool's own endpoints where the catalog sets them, else the model's. Stage by stage, the most
	 * specific wins: the model's override for {@code region/compute}, then for {@code compute} in
	 * any region, then the model's own. API keys come decrypted.
	 * @return the endpoints; {@link ModelUpstream#NONE} when the catalog sets none (or has no such
	 * model); an error when a stored key cannot be decrypted (its encryption key is no longer
	 * configured, or the stored value was changed)
	 */
	Mono<ModelUpstream> findUpstream(String modelId, String region, String compute);

}

package io.duplex.api.directory;

import org.springframework.stereotype.Component;

import io.duplex.api.catalog.Catalog;
import io.duplex.api.catalog.ComputePool;
import io.duplex.api.catalog.Model;
import io.duplex.core.catalog.ModelCatalog;
import io.duplex.core.catalog.ModelInfo;
import io.duplex.core.catalog.ModelUpstream;
import io.duplex.core.catalog.PoolInfo;
import reactor.core.publisher.Mono;

/** The catalog facts sessions need, read from the live catalog on every call (an admin's edit applies at once). */
@Component
class ControlModelCatalog implements ModelCatalog {

	private final Catalog catalog;

	ControlModelCatalog(Catalog catalog) {
		this.catalog = catalog;
	}

	@Override
	public Mono<ModelInfo> findModel(String id) {
		return this.catalog.findModel(id).map(ControlModelCatalog::info);
	}

	@Override
	public Mono<PoolInfo> findPool(String region, String id) {
		return this.catalog.findPool(region, id).map(ControlModelCatalog::info);
	}

	/**
	 * {@inheritDoc} Errors with {@link io.duplex.api.secret.SecretUnreadableException} when a stored
	 * key does not open (its secrets key left the ring, or the row was changed).
	 */
	@Override
	public Mono<ModelUpstream> findUpstream(String modelId, String region, String compute) {
		return this.catalog.findUpstream(modelId, region, compute);
	}

	static ModelInfo info(Model model) {
		return new ModelInfo(model.id(), model.provider(), model.kind(), model.contextWindow(),
				model.maxSessionSeconds(), model.inputAudioTokensPerSecond(), model.outputAudioTokensPerSecond(),
				model.modalities(), model.voices(), model.imitates());
	}

	static PoolInfo info(ComputePool pool) {
		return new PoolInfo(pool.region(), pool.id(), pool.maxConcurrentSessions());
	}

}

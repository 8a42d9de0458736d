package io.duplex.api.catalog;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;

import io.duplex.api.secret.SealedSecret;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Hand SQL that changes {@code control.region}, {@code control.compute_pool}, {@code control.model}
 * and {@code control.model_endpoint}, and finds references between catalog entries. Platform-wide data, so no
 * statement here filters by tenant. Reads for other features are in {@link Catalog}.
 */
@Repository
class CatalogRepository {

	private final DatabaseClient db;

	CatalogRepository(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Takes the catalog lock exclusively until the transaction ends, so that catalog writes are
	 * serialised and wait for transactions that hold entries ({@link Catalog#holdEntries()}).
	 */
	Mono<Void> lock() {
		return this.db.sql(Catalog.LOCK.formatted("")).then();
	}

	/** Inserts the region; {@code false} when one with its id exists already. */
	Mono<Boolean> insertRegion(Region region) {
		return this.db.sql("INSERT INTO control.region (" + Catalog.REGION_COLUMNS + ") VALUES (:id, :name, :status) "
				+ "ON CONFLICT (id) DO NOTHING")
			.bind("id", region.id())
			.bind("name", region.name())
			.bind("status", region.status())
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	/** Replaces the region; empty when there is none with its id. */
	Mono<Region> replaceRegion(Region region) {
		return this.db.sql("UPDATE control.region SET name = :name, status = :status, updated_at = now() "
				+ "WHERE id = :id RETURNING " + Catalog.REGION_COLUMNS)
			.bind("id", region.id())
			.bind("name", region.name())
			.bind("status", region.status())
			.map(Catalog::region)
			.one();
	}

	Mono<Boolean> deleteRegion(String id) {
		return this.db.sql("DELETE FROM control.region WHERE id = :id")
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	/** Inserts the pool; {@code false} when its region has one with its id already. */
	Mono<Boolean> insertPool(ComputePool pool) {
		return bindPool(this.db.sql("INSERT INTO control.compute_pool (" + Catalog.POOL_COLUMNS + ") VALUES "
				+ "(:region, :id, :accelerator, :kind, :max, :price, :description) "
				+ "ON CONFLICT (region_id, id) DO NOTHING"), pool)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	/** Replaces the pool; empty when there is none with its region and id. */
	Mono<ComputePool> replacePool(ComputePool pool) {
		return bindPool(this.db.sql("UPDATE control.compute_pool SET accelerator = :accelerator, kind = :kind, "
				+ "max_concurrent_sessions = :max, price_per_minute = :price, description = :description, "
				+ "updated_at = now() WHERE region_id = :region AND id = :id RETURNING " + Catalog.POOL_COLUMNS), pool)
			.map(Catalog::pool)
			.one();
	}

	Mono<Boolean> deletePool(String region, String id) {
		return this.db.sql("DELETE FROM control.compute_pool WHERE region_id = :region AND id = :id")
			.bind("region", region)
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	/** Inserts the model; {@code false} when one with its id exists already. */
	Mono<Boolean> insertModel(Model model) {
		return bindModel(this.db.sql("INSERT INTO control.model (" + Catalog.MODEL_COLUMNS + ") VALUES (:id, "
				+ ":provider, :kind, :displayName, :contextWindow, :maxSession, :audioIn, :audioOut, :modalities, "
				+ ":voices, :regions, :compute, :textIn, :textCached, :textOut, :audioPriceIn, :audioCached, "
				+ ":audioPriceOut, :imitates) ON CONFLICT (id) DO NOTHING"), model)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	/** Replaces the model; empty when there is none with its id. */
	Mono<Model> replaceModel(Model model) {
		return bindModel(this.db.sql("UPDATE control.model SET provider = :provider, kind = :kind, "
				+ "display_name = :displayName, context_window = :contextWindow, max_session_seconds = :maxSession, "
				+ "input_audio_tokens_per_second = :audioIn, output_audio_tokens_per_second = :audioOut, "
				+ "modalities = :modalities, voices = :voices, regions = :regions, compute = :compute, "
				+ "price_text_input = :textIn, price_text_cached_input = :textCached, price_text_output = :textOut, "
				+ "price_audio_input = :audioPriceIn, price_audio_cached_input = :audioCached, "
				+ "price_audio_output = :audioPriceOut, imitates = :imitates, updated_at = now() WHERE id = :id "
				+ "RETURNING " + Catalog.MODEL_COLUMNS), model)
			.map(Catalog::model)
			.one();
	}

	Mono<Boolean> deleteModel(String id) {
		return this.db.sql("DELETE FROM control.model WHERE id = :id")
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	/** Replaces the model's endpoints with {@code endpoints}, all of which belong to it. */
	Mono<Void> replaceEndpoints(String modelId, List<ModelEndpoint> endpoints) {
		return this.db.sql("DELETE FROM control.model_endpoint WHERE model_id = :model")
			.bind("model", modelId)
			.then()
			.thenMany(Flux.fromIterable(endpoints).concatMap(this::insertEndpoint))
			.then();
	}

	private Mono<Long> insertEndpoint(ModelEndpoint endpoint) {
		GenericExecuteSpec spec = this.db.sql("INSERT INTO control.model_endpoint (" + Catalog.ENDPOINT_COLUMNS
				+ ") VALUES (:model, :scope, :stage, :baseUrl, :upstreamModel, :keyId, :sealed, :azure)")
			.bind("model", endpoint.modelId())
			.bind("scope", endpoint.scope())
			.bind("stage", endpoint.stage())
			.bind("baseUrl", endpoint.baseUrl());
		spec = nullable(spec, "upstreamModel", endpoint.model());
		spec = nullable(spec, "keyId", (endpoint.apiKey() != null) ? endpoint.apiKey().keyId() : null);
		spec = nullable(spec, "sealed", (endpoint.apiKey() != null) ? endpoint.apiKey().ciphertext() : null);
		spec = nullable(spec, "azure", endpoint.azureApiVersion());
		return spec.fetch().rowsUpdated();
	}

	/** Endpoint keys sealed with another key than {@code currentKey}. */
	Flux<ModelEndpoint> endpointsNotSealedWith(String currentKey) {
		return this.db.sql("SELECT " + Catalog.ENDPOINT_COLUMNS + " FROM control.model_endpoint "
				+ "WHERE api_key_key_id IS NOT NULL AND api_key_key_id <> :current")
			.bind("current", currentKey)
			.map(Catalog::endpoint)
			.all();
	}

	/**
	 * Swaps an endpoint's sealed key for {@code resealed}, only if it still holds {@code before}:
	 * an admin's write in between wins. {@code true} when swapped.
	 */
	Mono<Boolean> swapKey(ModelEndpoint before, SealedSecret resealed) {
		return this.db.sql("UPDATE control.model_endpoint SET api_key_key_id = :keyId, api_key_sealed = :sealed "
				+ "WHERE model_id = :model AND scope = :scope AND stage = :stage AND api_key_key_id = :oldKeyId "
				+ "AND api_key_sealed = :oldSealed")
			.bind("keyId", resealed.keyId())
			.bind("sealed", resealed.ciphertext())
			.bind("model", before.modelId())
			.bind("scope", before.scope())
			.bind("stage", before.stage())
			.bind("oldKeyId", before.apiKey().keyId())
			.bind("oldSealed", before.apiKey().ciphertext())
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	/**
	 * Notes that an entry of {@code catalog.yaml} was seeded; {@code false} when it was before, by
	 * this node or another, so that an entry an admin deleted stays deleted.
	 */
	Mono<Boolean> markSeeded(String kind, String key) {
		return this.db.sql("INSERT INTO control.catalog_seed (kind, key) VALUES (:kind, :key) ON CONFLICT DO NOTHING")
			.bind("kind", kind)
			.bind("key", key)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	/** Ids of the models offered in the region. */
	Flux<String> modelsOfferedIn(String region) {
		return ids("SELECT id FROM control.model WHERE :region = ANY (regions) ORDER BY id", Map.of("region", region));
	}

	/** Ids of the models offered in the region that list the pool: deleting it would strand them there. */
	Flux<String> modelsPlacedOn(String region, String pool) {
		return ids("SELECT id FROM control.model WHERE :region = ANY (regions) AND :pool = ANY (compute) ORDER BY id",
				Map.of("region", region, "pool", pool));
	}

	/** Ids of the models that imitate the model. */
	Flux<String> modelsImitating(String model) {
		return ids("SELECT id FROM control.model WHERE imitates = :model ORDER BY id", Map.of("model", model));
	}

	private Flux<String> ids(String sql, Map<String, String> parameters) {
		GenericExecuteSpec spec = this.db.sql(sql);
		for (Map.Entry<String, String> parameter : parameters.entrySet()) {
			spec = spec.bind(parameter.getKey(), parameter.getValue());
		}
		return spec.map((row) -> row.get("id", String.class)).all();
	}

	private static GenericExecuteSpec nullable(GenericExecuteSpec spec, String name, @Nullable String value) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, String.class);
	}

	private static GenericExecuteSpec bindPool(GenericExecuteSpec spec, ComputePool pool) {
		return spec.bind("region", pool.region())
			.bind("id", pool.id())
			.bind("accelerator", pool.accelerator())
			.bind("kind", pool.kind())
			.bind("max", pool.maxConcurrentSessions())
			.bind("price", pool.pricePerMinute())
			.bind("description", pool.description());
	}

	private static GenericExecuteSpec bindModel(GenericExecuteSpec spec, Model model) {
		ModelPrices prices = model.prices();
		spec = spec.bind("id", model.id())
			.bind("provider", model.provider())
			.bind("kind", model.kind())
			.bind("displayName", model.displayName())
			.bind("contextWindow", model.contextWindow())
			.bind("maxSession", model.maxSessionSeconds())
			.bind("audioIn", model.inputAudioTokensPerSecond())
			.bind("audioOut", model.outputAudioTokensPerSecond())
			.bind("modalities", model.modalities().toArray(String[]::new))
			.bind("voices", model.voices().toArray(String[]::new))
			.bind("regions", model.regions().toArray(String[]::new))
			.bind("compute", model.compute().toArray(String[]::new))
			.bind("textIn", prices.textInput())
			.bind("textCached", prices.textCachedInput())
			.bind("textOut", prices.textOutput())
			.bind("audioPriceIn", prices.audioInput())
			.bind("audioCached", prices.audioCachedInput())
			.bind("audioPriceOut", prices.audioOutput());
		return (model.imitates() != null) ? spec.bind("imitates", model.imitates())
				: spec.bindNull("imitates", String.class);
	}

}

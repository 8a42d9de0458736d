package io.duplex.api.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import io.duplex.api.secret.SealedSecret;
import io.duplex.api.secret.SecretBox;
import io.duplex.core.catalog.Endpoint;
import io.duplex.core.catalog.ModelUpstream;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Looks up the catalog for other features (agents validate against it, sessions are placed with
 * it). Reads go to the database every time: the tables are tiny, and an admin's change is then
 * visible at once on every node. The catalog is platform-wide, so nothing here is tenant-scoped.
 */
@Component
public class Catalog {

	/** Decimal places of every price in the catalog (the columns are {@code numeric(12,6)}). */
	public static final int MONEY_SCALE = 6;

	static final String REGION_COLUMNS = "id, name, status";

	static final String POOL_COLUMNS = "region_id, id, accelerator, kind, max_concurrent_sessions, price_per_minute, "
			+ "description";

	static final String MODEL_COLUMNS = "id, provider, kind, display_name, context_window, max_session_seconds, "
			+ "input_audio_tokens_per_second, output_audio_tokens_per_second, modalities, voices, regions, compute, "
			+ "price_text_input, price_text_cached_input, price_text_output, price_audio_input, "
			+ "price_audio_cached_input, price_audio_output, imitates";

	static final String ENDPOINT_COLUMNS = "model_id, scope, stage, base_url, model, api_key_key_id, api_key_sealed, "
			+ "azure_api_version";

	/** Key of the advisory lock that keeps catalog writes apart from writes that refer to entries. */
	static final String LOCK = "SELECT pg_advisory_xact_lock%s(hashtext('duplex.catalog'))";

	private final DatabaseClient db;

	private final SecretBox secrets;

	Catalog(DatabaseClient db, SecretBox secrets) {
		this.db = db;
		this.secrets = secrets;
	}

	/** The model; empty when there is no such model. */
	public Mono<Model> findModel(String id) {
		return this.db.sql("SELECT " + MODEL_COLUMNS + " FROM control.model WHERE id = :id")
			.bind("id", id)
			.map(Catalog::model)
			.one();
	}

	/** The region; empty when there is no such region. */
	public Mono<Region> findRegion(String id) {
		return this.db.sql("SELECT " + REGION_COLUMNS + " FROM control.region WHERE id = :id")
			.bind("id", id)
			.map(Catalog::region)
			.one();
	}

	/** The pool {@code id} of {@code region}; empty when the region has no such pool. */
	public Mono<ComputePool> findPool(String region, String id) {
		return this.db.sql("SELECT " + POOL_COLUMNS + " FROM control.compute_pool WHERE region_id = :region AND id = :id")
			.bind("region", region)
			.bind("id", id)
			.map(Catalog::pool)
			.one();
	}

	/** Every model, by id. */
	public Flux<Model> models() {
		return this.db.sql("SELECT " + MODEL_COLUMNS + " FROM control.model ORDER BY id").map(Catalog::model).all();
	}

	/** Every region, by id. */
	public Flux<Region> regions() {
		return this.db.sql("SELECT " + REGION_COLUMNS + " FROM control.region ORDER BY id").map(Catalog::region).all();
	}

	/** Every compute pool, by region then id. */
	public Flux<ComputePool> pools() {
		return this.db.sql("SELECT " + POOL_COLUMNS + " FROM control.compute_pool ORDER BY region_id, id")
			.map(Catalog::pool)
			.all();
	}

	/** The compute pools of one region, by id; none when the region has none or does not exist. */
	public Flux<ComputePool> poolsIn(String region) {
		return this.db.sql("SELECT " + POOL_COLUMNS + " FROM control.compute_pool WHERE region_id = :region ORDER BY id")
			.bind("region", region)
			.map(Catalog::pool)
			.all();
	}

	/**
	 * Where {@code modelId} runs for a session in {@code region} on pool {@code compute}: stage by
	 * stage, the endpoint of {@code region/compute} if the model has one, else of {@code compute},
	 * else the model's own. API keys come decrypted.
	 * @return the endpoints, {@link ModelUpstream#NONE} when the catalog sets none (or has no such
	 * model); an error ({@link io.duplex.api.secret.SecretUnreadableException}) when a stored key
	 * does not open
	 */
	public Mono<ModelUpstream> findUpstream(String modelId, String region, String compute) {
		return this.db.sql("SELECT " + ENDPOINT_COLUMNS + " FROM control.model_endpoint WHERE model_id = :model "
				+ "AND scope IN ('', :pool, :regionPool)")
			.bind("model", modelId)
			.bind("pool", compute)
			.bind("regionPool", region + "/" + compute)
			.map(Catalog::endpoint)
			.all()
			.collectList()
			.map((endpoints) -> new ModelUpstream(resolve(endpoints, ModelEndpoint.REALTIME, region, compute),
					resolve(endpoints, ModelEndpoint.TRANSCRIPTION, region, compute),
					resolve(endpoints, ModelEndpoint.CHAT, region, compute),
					resolve(endpoints, ModelEndpoint.SPEECH, region, compute)));
	}

	private @Nullable Endpoint resolve(List<ModelEndpoint> endpoints, String stage, String region, String compute) {
		return endpoints.stream()
			.filter((endpoint) -> endpoint.stage().equals(stage) && endpoint.specificity(region, compute) >= 0)
			.max(Comparator.comparingInt((endpoint) -> endpoint.specificity(region, compute)))
			.map((endpoint) -> new Endpoint(endpoint.baseUrl(), endpoint.model(),
					(endpoint.apiKey() != null) ? this.secrets.open(endpoint.apiKey(), endpoint.context()) : null,
					endpoint.azureApiVersion()))
			.orElse(null);
	}

	/** The model's endpoints, the model's own first; none when it has none. */
	Flux<ModelEndpoint> endpointsOf(String modelId) {
		return this.db.sql("SELECT " + ENDPOINT_COLUMNS + " FROM control.model_endpoint WHERE model_id = :model")
			.bind("model", modelId)
			.map(Catalog::endpoint)
			.all()
			.sort(ModelEndpoint.ORDER);
	}

	/** Every model's endpoints, by model. */
	Flux<ModelEndpoint> endpoints() {
		return this.db.sql("SELECT " + ENDPOINT_COLUMNS + " FROM control.model_endpoint")
			.map(Catalog::endpoint)
			.all()
			.sort(ModelEndpoint.ORDER);
	}

	/**
	 * Keeps the catalog from changing until the caller's transaction ends: call it first in a
	 * transaction that validates against the catalog and then stores references to its entries,
	 * so an admin cannot delete an entry between the check and the write. Several such
	 * transactions hold it at once; only catalog writes wait. Outside a transaction it holds
	 * nothing. Completes when held.
	 */
	public Mono<Void> holdEntries() {
		return this.db.sql(LOCK.formatted("_shared")).then();
	}

	static Region region(Readable row) {
		return new Region(row.get("id", String.class), row.get("name", String.class), row.get("status", String.class));
	}

	static ComputePool pool(Readable row) {
		return new ComputePool(row.get("region_id", String.class), row.get("id", String.class),
				row.get("accelerator", String.class), row.get("kind", String.class),
				row.get("max_concurrent_sessions", Integer.class), money(row, "price_per_minute"),
				row.get("description", String.class));
	}

	static Model model(Readable row) {
		ModelPrices prices = new ModelPrices(money(row, "price_text_input"), money(row, "price_text_cached_input"),
				money(row, "price_text_output"), money(row, "price_audio_input"), money(row, "price_audio_cached_input"),
				money(row, "price_audio_output"));
		return new Model(row.get("id", String.class), row.get("provider", String.class), row.get("kind", String.class),
				row.get("display_name", String.class), row.get("context_window", Integer.class),
				row.get("max_session_seconds", Integer.class), row.get("input_audio_tokens_per_second", Integer.class),
				row.get("output_audio_tokens_per_second", Integer.class), list(row, "modalities"), list(row, "voices"),
				list(row, "regions"), list(row, "compute"), prices, row.get("imitates", String.class));
	}

	static ModelEndpoint endpoint(Readable row) {
		String keyId = row.get("api_key_key_id", String.class);
		SealedSecret key = (keyId != null) ? new SealedSecret(keyId, row.get("api_key_sealed", String.class)) : null;
		return new ModelEndpoint(row.get("model_id", String.class), row.get("scope", String.class),
				row.get("stage", String.class), row.get("base_url", String.class), row.get("model", String.class), key,
				row.get("azure_api_version", String.class));
	}

	private static BigDecimal money(Readable row, String column) {
		// the column's scale is 6, so this never rounds; it only pins the scale the driver reports
		return row.get(column, BigDecimal.class).setScale(MONEY_SCALE, RoundingMode.UNNECESSARY);
	}

	private static List<String> list(Readable row, String column) {
		String[] values = row.get(column, String[].class);
		return (values != null) ? Arrays.asList(values) : List.of();
	}

}

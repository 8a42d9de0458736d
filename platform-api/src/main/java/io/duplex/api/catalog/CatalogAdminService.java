package io.duplex.api.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.duplex.api.secret.SealedSecret;
import io.duplex.api.secret.SecretBox;
import io.duplex.core.audit.AuditEntry;
import io.duplex.core.audit.AuditTrail;
import io.duplex.core.security.Caller;
import io.duplex.core.web.FieldError;
import io.duplex.core.web.ProblemException;
import io.duplex.core.web.Problems;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Catalog editing rules: platform admins only; definitions are validated, references must exist,
 * an entry in use cannot be deleted, and every change is audited (without a tenant, since the
 * catalog is platform-wide). Each write holds the catalog lock exclusively, so its checks and its
 * change are not interleaved with another write or with an agent being saved.
 * <p>
 * Every method errors with 403 for any caller but a platform admin, 422 naming each invalid field,
 * 404 when the entry to replace or delete does not exist, 409 {@code catalog-entry-exists} when a
 * create names an existing id, 409 {@code catalog-entry-in-use} when a delete would strand
 * agents or other catalog entries, and 409 {@code secret-encryption-not-configured} when a model
 * brings an API key and the server has no secrets key to seal it with.
 */
@Service
class CatalogAdminService {

	private final Catalog catalog;

	private final CatalogRepository repository;

	private final List<CatalogReferences> references;

	private final AuditTrail audit;

	private final TransactionalOperator tx;

	private final SecretBox secrets;

	CatalogAdminService(Catalog catalog, CatalogRepository repository, List<CatalogReferences> references,
			AuditTrail audit, TransactionalOperator tx, SecretBox secrets) {
		this.catalog = catalog;
		this.repository = repository;
		this.references = references;
		this.audit = audit;
		this.tx = tx;
		this.secrets = secrets;
	}

	Mono<Region> createRegion(Caller caller, RegionDefinition body) {
		caller.requirePlatformAdmin();
		requireValid(CatalogValidator.region(body, null));
		Region region = body.toRegion(body.id());
		return write(this.repository.insertRegion(region)
			.flatMap((inserted) -> inserted
					? record(caller, "region.created", "region", region.id(), null, RegionResponse.from(region))
					: Mono.error(exists("region", region.id())))
			.thenReturn(region));
	}

	Mono<Region> replaceRegion(Caller caller, String id, RegionDefinition body) {
		caller.requirePlatformAdmin();
		requireValid(CatalogValidator.region(body, id));
		return write(this.catalog.findRegion(id)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("region " + id)))
			.flatMap((before) -> this.repository.replaceRegion(body.toRegion(id))
				.flatMap((after) -> record(caller, "region.updated", "region", id, RegionResponse.from(before),
						RegionResponse.from(after))
					.thenReturn(after))));
	}

	Mono<Void> deleteRegion(Caller caller, String id) {
		caller.requirePlatformAdmin();
		return write(this.catalog.findRegion(id)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("region " + id)))
			.flatMap((region) -> requireUnused("Region " + id, Flux.concat(
					this.catalog.poolsIn(id).map(ComputePool::id).collectList().filter((ids) -> !ids.isEmpty())
						.map((ids) -> "compute pools " + String.join(", ", ids)),
					this.repository.modelsOfferedIn(id).collectList().filter((ids) -> !ids.isEmpty())
						.map((ids) -> "models " + String.join(", ", ids)),
					Flux.fromIterable(this.references).concatMap((refs) -> refs.findRegionUse(id))))
				.then(this.repository.deleteRegion(id))
				.then(record(caller, "region.deleted", "region", id, RegionResponse.from(region), null))));
	}

	Mono<ComputePool> createPool(Caller caller, ComputePoolDefinition body) {
		caller.requirePlatformAdmin();
		requireValid(CatalogValidator.pool(body, null, null));
		ComputePool pool = body.toPool(body.region(), body.id());
		return write(this.catalog.findRegion(pool.region())
			.switchIfEmpty(Mono.error(() -> Problems.validation("region", "no such region")))
			.then(this.repository.insertPool(pool))
			.flatMap((inserted) -> inserted ? record(caller, "compute_pool.created", "compute_pool", key(pool), null,
					ComputePoolResponse.from(pool)) : Mono.error(exists("compute pool", key(pool))))
			.thenReturn(pool));
	}

	Mono<ComputePool> replacePool(Caller caller, String region, String id, ComputePoolDefinition body) {
		caller.requirePlatformAdmin();
		requireValid(CatalogValidator.pool(body, region, id));
		return write(this.catalog.findPool(region, id)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("compute pool " + region + "/" + id)))
			.flatMap((before) -> this.repository.replacePool(body.toPool(region, id))
				.flatMap((after) -> record(caller, "compute_pool.updated", "compute_pool", key(after),
						ComputePoolResponse.from(before), ComputePoolResponse.from(after))
					.thenReturn(after))));
	}

	Mono<Void> deletePool(Caller caller, String region, String id) {
		caller.requirePlatformAdmin();
		return write(this.catalog.findPool(region, id)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("compute pool " + region + "/" + id)))
			.flatMap((pool) -> requireUnused("Compute pool " + key(pool), Flux.concat(
					this.repository.modelsPlacedOn(region, id).collectList().filter((ids) -> !ids.isEmpty())
						.map((ids) -> "models offered in " + region + " on it: " + String.join(", ", ids)),
					Flux.fromIterable(this.references).concatMap((refs) -> refs.findPoolUse(region, id))))
				.then(this.repository.deletePool(region, id))
				.then(record(caller, "compute_pool.deleted", "compute_pool", key(pool), ComputePoolResponse.from(pool),
						null))));
	}

	Mono<ModelEntry> createModel(Caller caller, ModelDefinition body) {
		caller.requirePlatformAdmin();
		requireValid(CatalogValidator.model(body, null));
		Model model = body.toModel(body.id());
		// sealed before the transaction: a server without a secrets key refuses before anything is written
		Sealed sealed = seal(model.id(), body.endpoints(), List.of());
		ModelEntry entry = new ModelEntry(model, sealed.endpoints());
		return write(requireReferencesExist(model, body.overrides().keySet()).then(this.repository.insertModel(model))
			.flatMap((inserted) -> inserted ? this.repository.replaceEndpoints(model.id(), entry.endpoints())
				.then(record(caller, "model.created", "model", model.id(), null, entry.response(), sealed.keysWritten()))
					: Mono.error(exists("model", model.id())))
			.thenReturn(entry));
	}

	Mono<ModelEntry> replaceModel(Caller caller, String id, ModelDefinition body) {
		caller.requirePlatformAdmin();
		requireValid(CatalogValidator.model(body, id));
		Model replacement = body.toModel(id);
		return write(this.catalog.findModel(id)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("model " + id)))
			.flatMap(this::withEndpoints)
			.flatMap((before) -> {
				Sealed sealed = seal(id, body.endpoints(), before.endpoints());
				ModelEntry after = new ModelEntry(replacement, sealed.endpoints());
				return requireReferencesExist(replacement, body.overrides().keySet())
					.then(this.repository.replaceModel(replacement))
					.then(this.repository.replaceEndpoints(id, after.endpoints()))
					.then(record(caller, "model.updated", "model", id, before.response(), after.response(),
							sealed.keysWritten()))
					.thenReturn(after);
			}));
	}

	Mono<Void> deleteModel(Caller caller, String id) {
		caller.requirePlatformAdmin();
		return write(this.catalog.findModel(id)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("model " + id)))
			.flatMap(this::withEndpoints)
			.flatMap((entry) -> requireUnused("Model " + id, Flux.concat(
					this.repository.modelsImitating(id).collectList().filter((ids) -> !ids.isEmpty())
						.map((ids) -> "models imitating it: " + String.join(", ", ids)),
					Flux.fromIterable(this.references).concatMap((refs) -> refs.findModelUse(id))))
				// its endpoints go with it (ON DELETE CASCADE)
				.then(this.repository.deleteModel(id))
				.then(record(caller, "model.deleted", "model", id, entry.response(), null))));
	}

	/** The model with its endpoints, read after it: queries of one transaction share its connection. */
	private Mono<ModelEntry> withEndpoints(Model model) {
		return this.catalog.endpointsOf(model.id()).collectList().map((endpoints) -> new ModelEntry(model, endpoints));
	}

	/** A model's endpoints ready to store, and the request fields whose keys were written (for the audit log). */
	private record Sealed(List<ModelEndpoint> endpoints, List<String> keysWritten) {
	}

	/**
	 * Seals the keys of the written endpoints. An endpoint written without {@code api_key} keeps
	 * the key {@code before} stored for its scope and stage, unless its origin changed: a key is
	 * never sent to a host it was not written for, so that answers 422 and asks for the key again
	 * (or {@code ""} for none).
	 */
	private Sealed seal(String modelId, List<ModelDefinition.EndpointSpec> specs, List<ModelEndpoint> before) {
		List<ModelEndpoint> endpoints = new ArrayList<>();
		List<String> written = new ArrayList<>();
		List<FieldError> moved = new ArrayList<>();
		for (ModelDefinition.EndpointSpec spec : specs) {
			SealedSecret key = null;
			if (spec.apiKey() != null && !spec.apiKey().isEmpty()) {
				key = this.secrets.seal(spec.apiKey(), ModelEndpoint.context(modelId, spec.scope(), spec.stage()));
				written.add(spec.field() + "api_key");
			}
			else if (spec.apiKey() == null) {
				ModelEndpoint stored = before.stream()
					.filter((old) -> old.scope().equals(spec.scope()) && old.stage().equals(spec.stage())
							&& old.apiKey() != null)
					.findFirst()
					.orElse(null);
				if (stored != null && CatalogValidator.origin(stored.baseUrl()).equals(CatalogValidator.origin(spec.baseUrl()))) {
					key = stored.apiKey();
				}
				else if (stored != null) {
					moved.add(new FieldError(spec.field() + "api_key",
							"the endpoint moved to another host: send its key again, or \"\" to send none"));
				}
			}
			endpoints.add(new ModelEndpoint(modelId, spec.scope(), spec.stage(), spec.baseUrl(), spec.model(), key,
					spec.azureApiVersion()));
		}
		requireValid(moved);
		return new Sealed(endpoints, written);
	}

	/**
	 * Every region the model lists exists and has one of its pools, every pool it lists exists in
	 * one of its regions, and the model it imitates exists; else a 422 naming each bad entry.
	 */
	private Mono<Void> requireReferencesExist(Model model, Set<String> overrides) {
		Mono<Boolean> imitated = (model.imitates() != null) ? this.catalog.findModel(model.imitates()).hasElement()
				: Mono.just(true);
		// one query after another: they share the transaction's connection
		return this.catalog.regions()
			.map(Region::id)
			.collectList()
			.flatMap((regions) -> this.catalog.pools()
				.collectList()
				.flatMap((pools) -> imitated
					.doOnNext((exists) -> requireValid(references(model, overrides, regions, pools, exists)))))
			.then();
	}

	private static List<FieldError> references(Model model, Set<String> overrides, List<String> regions,
			List<ComputePool> pools, boolean imitated) {
		List<FieldError> errors = new ArrayList<>();
		for (int i = 0; i < model.regions().size(); i++) {
			String region = model.regions().get(i);
			if (!regions.contains(region)) {
				errors.add(new FieldError("regions[" + i + "]", "no such region"));
			}
			else if (pools.stream().noneMatch((pool) -> pool.region().equals(region) && model.runsOn(pool.id()))) {
				errors.add(new FieldError("regions[" + i + "]", "none of the model's compute pools is in this region"));
			}
		}
		for (int i = 0; i < model.compute().size(); i++) {
			String id = model.compute().get(i);
			if (pools.stream().noneMatch((pool) -> pool.id().equals(id) && model.offeredIn(pool.region()))) {
				errors.add(new FieldError("compute[" + i + "]", "no such compute pool in the model's regions"));
			}
		}
		for (String scope : overrides) {
			int slash = scope.indexOf('/');
			if (slash > 0 && pools.stream()
				.noneMatch((pool) -> scope.equals(key(pool)))) {
				errors.add(new FieldError("endpoints_by_compute." + scope, "no such compute pool in that region"));
			}
		}
		if (!imitated) {
			errors.add(new FieldError("imitates", "no such model"));
		}
		return errors;
	}

	/** Completes when no use is found; else a 409 listing every use. */
	private static Mono<Void> requireUnused(String what, Flux<String> uses) {
		return uses.collectList().flatMap((found) -> found.isEmpty() ? Mono.<Void>empty()
				: Mono.error(Problems.conflict("catalog-entry-in-use", "Catalog entry in use",
						what + " is still in use (" + String.join("; ", found) + "); move or remove those first.")));
	}

	private <T> Mono<T> write(Mono<T> change) {
		return this.repository.lock().then(change).as(this.tx::transactional);
	}

	private Mono<Void> record(Caller caller, String action, String type, String id, @Nullable Object before,
			@Nullable Object after) {
		return record(caller, action, type, id, before, after, List.of());
	}

	/**
	 * {@code keysWritten} names the fields whose API key the change wrote, so that a new key shows
	 * in the log though its value never does.
	 */
	private Mono<Void> record(Caller caller, String action, String type, String id, @Nullable Object before,
			@Nullable Object after, List<String> keysWritten) {
		Map<String, Object> details = new LinkedHashMap<>();
		if (before != null) {
			details.put("before", before);
		}
		if (after != null) {
			details.put("after", after);
		}
		if (!keysWritten.isEmpty()) {
			details.put("api_keys_written", keysWritten);
		}
		return this.audit.record(new AuditEntry(null, caller, action, type, id, details));
	}

	private static void requireValid(List<FieldError> errors) {
		if (!errors.isEmpty()) {
			throw Problems.validation(errors);
		}
	}

	private static ProblemException exists(String what, String id) {
		return Problems.conflict("catalog-entry-exists", "Catalog entry exists",
				"A " + what + " " + id + " exists already; replace it with PUT or choose another id.");
	}

	static String key(ComputePool pool) {
		return pool.region() + "/" + pool.id();
	}

}

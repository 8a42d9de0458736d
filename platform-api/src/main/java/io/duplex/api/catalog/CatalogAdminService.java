package io.duplex.api.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

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
 * create names an existing id, and 409 {@code catalog-entry-in-use} when a delete would strand
 * agents or other catalog entries.
 */
@Service
class CatalogAdminService {

	private final Catalog catalog;

	private final CatalogRepository repository;

	private final List<CatalogReferences> references;

	private final AuditTrail audit;

	private final TransactionalOperator tx;

	CatalogAdminService(Catalog catalog, CatalogRepository repository, List<CatalogReferences> references,
			AuditTrail audit, TransactionalOperator tx) {
		this.catalog = catalog;
		this.repository = repository;
		this.references = references;
		this.audit = audit;
		this.tx = tx;
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

	Mono<Model> createModel(Caller caller, ModelDefinition body) {
		caller.requirePlatformAdmin();
		requireValid(CatalogValidator.model(body, null));
		Model model = body.toModel(body.id());
		return write(requireReferencesExist(model).then(this.repository.insertModel(model))
			.flatMap((inserted) -> inserted ? record(caller, "model.created", "model", model.id(), null,
					ModelResponse.from(model)) : Mono.error(exists("model", model.id())))
			.thenReturn(model));
	}

	Mono<Model> replaceModel(Caller caller, String id, ModelDefinition body) {
		caller.requirePlatformAdmin();
		requireValid(CatalogValidator.model(body, id));
		Model replacement = body.toModel(id);
		return write(this.catalog.findModel(id)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("model " + id)))
			.flatMap((before) -> requireReferencesExist(replacement).then(this.repository.replaceModel(replacement))
				.flatMap((after) -> record(caller, "model.updated", "model", id, ModelResponse.from(before),
						ModelResponse.from(after))
					.thenReturn(after))));
	}

	Mono<Void> deleteModel(Caller caller, String id) {
		caller.requirePlatformAdmin();
		return write(this.catalog.findModel(id)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("model " + id)))
			.flatMap((model) -> requireUnused("Model " + id, Flux.concat(
					this.repository.modelsImitating(id).collectList().filter((ids) -> !ids.isEmpty())
						.map((ids) -> "models imitating it: " + String.join(", ", ids)),
					Flux.fromIterable(this.references).concatMap((refs) -> refs.findModelUse(id))))
				.then(this.repository.deleteModel(id))
				.then(record(caller, "model.deleted", "model", id, ModelResponse.from(model), null))));
	}

	/**
	 * Every region the model lists exists and has one of its pools, every pool it lists exists in
	 * one of its regions, and the model it imitates exists; else a 422 naming each bad entry.
	 */
	private Mono<Void> requireReferencesExist(Model model) {
		Mono<Boolean> imitated = (model.imitates() != null) ? this.catalog.findModel(model.imitates()).hasElement()
				: Mono.just(true);
		// one query after another: they share the transaction's connection
		return this.catalog.regions()
			.map(Region::id)
			.collectList()
			.flatMap((regions) -> this.catalog.pools()
				.collectList()
				.flatMap((pools) -> imitated
					.doOnNext((exists) -> requireValid(references(model, regions, pools, exists)))))
			.then();
	}

	private static List<FieldError> references(Model model, List<String> regions, List<ComputePool> pools,
			boolean imitated) {
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
		Map<String, Object> details = (before == null) ? Map.of("after", after)
				: (after == null) ? Map.of("before", before) : Map.of("before", before, "after", after);
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

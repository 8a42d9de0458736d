package io.duplex.api.catalog;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.duplex.core.schema.SchemaMigrations;
import io.duplex.core.web.FieldError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * At start-up, adds the entries of {@code catalog.yaml} that were never seeded before. It never
 * overwrites a row, so admins' edits persist across restarts, and it does not bring back an entry
 * an admin deleted. Nodes that start together take turns on the catalog lock, and every insert
 * ignores a row that exists already.
 */
@Component
class CatalogSeeder implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(CatalogSeeder.class);

	private final Catalog catalog;

	private final CatalogRepository repository;

	private final TransactionalOperator tx;

	CatalogSeeder(Catalog catalog, CatalogRepository repository, TransactionalOperator tx, SchemaMigrations migrated) {
		this.catalog = catalog;
		this.repository = repository;
		this.tx = tx;
	}

	@Override
	public void afterSingletonsInstantiated() {
		// runs once on the main thread during start-up, before the web server opens its port
		seed(CatalogFile.load()).block();
	}

	/** Seeds the file's new entries; errors when the file is unsound, before touching the database. */
	Mono<Void> seed(CatalogFile file) {
		List<FieldError> problems = file.problems();
		if (!problems.isEmpty()) {
			return Mono.error(new IllegalStateException(CatalogFile.LOCATION + " is invalid: " + problems));
		}
		Flux<Boolean> regions = Flux.fromIterable(file.regions())
			.concatMap((region) -> seedIfNew("region", region.id(),
					this.repository.insertRegion(region.toRegion(region.id()))));
		Flux<Boolean> pools = Flux.fromIterable(file.compute())
			.concatMap((pool) -> seedIfNew("compute_pool", CatalogFile.key(pool.region(), pool.id()),
					// the region may be gone: an admin deleted it after an earlier seed
					this.catalog.findRegion(pool.region())
						.flatMap((region) -> this.repository.insertPool(pool.toPool(pool.region(), pool.id())))));
		Flux<Boolean> models = Flux.fromIterable(file.models())
			.concatMap((model) -> seedIfNew("model", model.id(), this.repository.insertModel(model.toModel(model.id()))
				.flatMap((inserted) -> inserted ? this.repository
					.replaceEndpoints(model.id(), CatalogFile.endpoints(model))
					.thenReturn(true) : Mono.just(false))));
		return this.repository.lock()
			.thenMany(Flux.concat(regions, pools, models))
			.filter(Boolean::booleanValue)
			.count()
			.as(this.tx::transactional)
			.doOnNext((added) -> {
				if (added > 0) {
					log.info("Added {} entries of {} to the catalog", added, CatalogFile.LOCATION);
				}
			})
			.then();
	}

	/** Inserts an entry the first time the file is seen with it; {@code true} when it was added. */
	private Mono<Boolean> seedIfNew(String kind, String key, Mono<Boolean> insert) {
		return this.repository.markSeeded(kind, key)
			.flatMap((first) -> first ? insert.defaultIfEmpty(false) : Mono.just(false));
	}

}

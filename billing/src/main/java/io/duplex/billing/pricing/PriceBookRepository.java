package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.duplex.core.page.PageRequest;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Stores price book versions in {@code billing.price_book} and {@code billing.price}; rows are never updated. */
@Repository
class PriceBookRepository {

	private static final String SELECT = "SELECT id, name, currency, effective_from, tenant_id, discount_percent, "
			+ "created_at FROM billing.price_book";

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	PriceBookRepository(DatabaseClient db, TransactionalOperator tx) {
		this.db = db;
		this.tx = tx;
	}

	/** Inserts the version with its prices; false when its book already has a version at that instant. */
	Mono<Boolean> insert(PriceBook book) {
		GenericExecuteSpec insert = this.db.sql("""
				INSERT INTO billing.price_book (id, name, currency, effective_from, tenant_id, discount_percent, created_at)
				VALUES (:id, :name, :currency, :effectiveFrom, :tenantId, :discount, :createdAt)""")
			.bind("id", book.id())
			.bind("name", book.name())
			.bind("currency", book.currency())
			.bind("effectiveFrom", book.effectiveFrom())
			.bind("discount", book.discountPercent())
			.bind("createdAt", book.createdAt());
		insert = (book.tenantId() != null) ? insert.bind("tenantId", book.tenantId())
				: insert.bindNull("tenantId", String.class);
		Mono<Boolean> write = insert.fetch()
			.rowsUpdated()
			.thenMany(Flux.fromIterable(book.prices())
				.concatMap((price) -> this.db.sql("""
						INSERT INTO billing.price (book_id, model, metric, compute, unit, unit_price)
						VALUES (:bookId, :model, :metric, :compute, :unit, :unitPrice)""")
					.bind("bookId", book.id())
					.bind("compute", (price.compute() != null) ? price.compute() : "")
					.bind("model", price.model())
					.bind("metric", price.metric())
					.bind("unit", price.unit().wireName())
					.bind("unitPrice", price.unitPrice())
					.fetch()
					.rowsUpdated()))
			.then(Mono.just(true));
		return write.as(this.tx::transactional)
			.onErrorResume(DataIntegrityViolationException.class, (ex) -> Mono.just(false));
	}

	/** Every version of every book, with its prices: what rating needs. */
	Mono<List<PriceBook>> findAll() {
		return books(this.db.sql(SELECT + " ORDER BY id"));
	}

	Mono<PriceBook> find(String id) {
		return books(this.db.sql(SELECT + " WHERE id = :id").bind("id", id))
			.flatMap((books) -> Mono.justOrEmpty(books.stream().findFirst()));
	}

	/** A page of versions, newest first; {@code tenantId} narrows to one tenant's book. */
	Mono<List<PriceBook>> page(PageRequest page, @Nullable String tenantId) {
		GenericExecuteSpec query = this.db
			.sql(SELECT + " WHERE id < :after" + ((tenantId != null) ? " AND tenant_id = :tenantId" : "")
					+ " ORDER BY id DESC LIMIT :limit")
			.bind("after", page.cursorOrMax())
			.bind("limit", page.fetchSize());
		if (tenantId != null) {
			query = query.bind("tenantId", tenantId);
		}
		return books(query);
	}

	private Mono<List<PriceBook>> books(GenericExecuteSpec query) {
		return query.map(PriceBookRepository::header).all().collectList().flatMap((headers) -> {
			if (headers.isEmpty()) {
				return Mono.just(List.<PriceBook>of());
			}
			List<String> ids = headers.stream().map(PriceBook::id).toList();
			return this.db
				.sql("SELECT book_id, model, metric, compute, unit, unit_price FROM billing.price "
						+ "WHERE book_id = ANY(:ids) ORDER BY book_id, model, metric, compute")
				.bind("ids", ids.toArray(String[]::new))
				.map((row) -> Map.entry(row.get("book_id", String.class),
						new Price(row.get("model", String.class), row.get("metric", String.class),
								emptyToNull(row.get("compute", String.class)),
								PriceUnit.fromWireName(row.get("unit", String.class)).orElseThrow(),
								row.get("unit_price", BigDecimal.class))))
				.all()
				.collectMultimap(Map.Entry::getKey, Map.Entry::getValue)
				.map((prices) -> headers.stream()
					.map((book) -> new PriceBook(book.id(), book.name(), book.currency(), book.effectiveFrom(),
							book.tenantId(), book.discountPercent(),
							new ArrayList<>(prices.getOrDefault(book.id(), List.of())), book.createdAt()))
					.toList());
		});
	}

	/** The column is NOT NULL (it is part of the key): '' means every pool. */
	private static @Nullable String emptyToNull(@Nullable String compute) {
		return (compute == null || compute.isEmpty()) ? null : compute;
	}

	private static PriceBook header(Readable row) {
		return new PriceBook(row.get("id", String.class), row.get("name", String.class),
				row.get("currency", String.class).trim(), row.get("effective_from", Instant.class),
				row.get("tenant_id", String.class), row.get("discount_percent", BigDecimal.class), List.of(),
				row.get("created_at", Instant.class));
	}

}

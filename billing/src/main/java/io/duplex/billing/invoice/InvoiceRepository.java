package io.duplex.billing.invoice;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.duplex.core.id.Ids;
import io.duplex.core.page.PageRequest;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Hand SQL over {@code billing.invoice}, {@code billing.invoice_line} and
 * {@code billing.usage_month}. Every statement names the tenant.
 */
@Repository
class InvoiceRepository {

	private static final String SELECT = "SELECT id, tenant_id, period_start, period_end, currency, status, total, "
			+ "created_at, finalized_at FROM billing.invoice";

	private final DatabaseClient db;

	InvoiceRepository(DatabaseClient db) {
		this.db = db;
	}

	/** The months (first days, UTC) in which the tenant has usage not finalized yet, newest first. */
	Flux<LocalDate> months(String tenantId) {
		return this.db.sql("SELECT month FROM billing.usage_month WHERE tenant_id = :tenantId AND finalized_at IS NULL "
				+ "ORDER BY month DESC")
			.bind("tenantId", tenantId)
			.map((row) -> row.get("month", LocalDate.class))
			.all();
	}

	/** Tenant months that ended before {@code before} and are not finalized yet, oldest first. */
	Flux<TenantMonth> dueMonths(LocalDate before, int limit) {
		return this.db.sql("SELECT tenant_id, month FROM billing.usage_month WHERE finalized_at IS NULL "
				+ "AND month < :before ORDER BY month, tenant_id LIMIT :limit")
			.bind("before", before)
			.bind("limit", limit)
			.map((row) -> new TenantMonth(row.get("tenant_id", String.class), row.get("month", LocalDate.class)))
			.all();
	}

	/** A month of a tenant. */
	record TenantMonth(String tenantId, LocalDate month) {
	}

	/**
	 * Locks the tenant month for finalizing (in the caller's transaction): true when it is still to
	 * be finalized, false when another run finalized it meanwhile.
	 */
	Mono<Boolean> lockForFinalizing(String tenantId, LocalDate month) {
		return this.db.sql("SELECT finalized_at FROM billing.usage_month WHERE tenant_id = :tenantId "
				+ "AND month = :month FOR UPDATE")
			.bind("tenantId", tenantId)
			.bind("month", month)
			.map((row) -> row.get("finalized_at", Instant.class) == null)
			.one()
			.defaultIfEmpty(false);
	}

	Mono<Void> markFinalized(String tenantId, LocalDate month) {
		return this.db.sql("UPDATE billing.usage_month SET finalized_at = now() WHERE tenant_id = :tenantId "
				+ "AND month = :month")
			.bind("tenantId", tenantId)
			.bind("month", month)
			.then();
	}

	/** The draft row of the tenant's month in {@code currency}, created on first sight; its id never changes. */
	Mono<Invoice> ensure(String tenantId, Instant periodStart, Instant periodEnd, String currency) {
		return this.db.sql("""
				INSERT INTO billing.invoice (id, tenant_id, period_start, period_end, currency, status)
				VALUES (:id, :tenantId, :start, :end, :currency, 'draft')
				ON CONFLICT (tenant_id, period_start, currency) DO NOTHING""")
			.bind("id", Ids.newId("inv"))
			.bind("tenantId", tenantId)
			.bind("start", periodStart)
			.bind("end", periodEnd)
			.bind("currency", currency)
			.then()
			.then(this.db
				.sql(SELECT + " WHERE tenant_id = :tenantId AND period_start = :start AND currency = :currency")
				.bind("tenantId", tenantId)
				.bind("start", periodStart)
				.bind("currency", currency)
				.map(InvoiceRepository::header)
				.one());
	}

	/** Stores the lines and total of a draft and finalizes it; a finalized invoice is left as it is. */
	Mono<Void> finalize(Invoice invoice) {
		List<Mono<Long>> lines = new ArrayList<>();
		for (int i = 0; i < invoice.lines().size(); i++) {
			Invoice.Line line = invoice.lines().get(i);
			lines.add(this.db.sql("""
					INSERT INTO billing.invoice_line (invoice_id, tenant_id, line, model, metric, quantity, cost)
					VALUES (:invoiceId, :tenantId, :line, :model, :metric, :quantity, :cost)""")
				.bind("invoiceId", invoice.id())
				.bind("tenantId", invoice.tenantId())
				.bind("line", i + 1)
				.bind("model", line.model())
				.bind("metric", line.metric())
				.bind("quantity", line.quantity())
				.bind("cost", line.cost())
				.fetch()
				.rowsUpdated());
		}
		return this.db.sql("UPDATE billing.invoice SET status = 'finalized', total = :total, finalized_at = now() "
				+ "WHERE tenant_id = :tenantId AND id = :id AND status = 'draft'")
			.bind("total", invoice.total())
			.bind("tenantId", invoice.tenantId())
			.bind("id", invoice.id())
			.fetch()
			.rowsUpdated()
			.flatMap((updated) -> (updated == 0) ? Mono.empty() : Flux.concat(lines).then());
	}

	/** The tenant's invoice rows, newest first, as a cursor page; lines are not loaded. */
	Flux<Invoice> page(String tenantId, PageRequest page) {
		return this.db.sql(SELECT + " WHERE tenant_id = :tenantId AND id < :after ORDER BY id DESC LIMIT :limit")
			.bind("tenantId", tenantId)
			.bind("after", page.cursorOrMax())
			.bind("limit", page.fetchSize())
			.map(InvoiceRepository::header)
			.all();
	}

	/** The tenant's invoice with its stored lines (none for a draft); empty for another tenant's. */
	Mono<Invoice> find(String tenantId, String id) {
		return this.db.sql(SELECT + " WHERE tenant_id = :tenantId AND id = :id")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.map(InvoiceRepository::header)
			.one()
			.flatMap((invoice) -> this.db
				.sql("SELECT model, metric, quantity, cost FROM billing.invoice_line WHERE tenant_id = :tenantId "
						+ "AND invoice_id = :id ORDER BY line")
				.bind("tenantId", tenantId)
				.bind("id", id)
				.map((row) -> new Invoice.Line(row.get("model", String.class), row.get("metric", String.class),
						row.get("quantity", BigDecimal.class), row.get("cost", BigDecimal.class)))
				.all()
				.collectList()
				.map((lines) -> withLines(invoice, lines, invoice.total())));
	}

	static Invoice withLines(Invoice invoice, List<Invoice.Line> lines, BigDecimal total) {
		return new Invoice(invoice.id(), invoice.tenantId(), invoice.periodStart(), invoice.periodEnd(),
				invoice.currency(), invoice.status(), total, lines, invoice.createdAt(), invoice.finalizedAt());
	}

	private static Invoice header(Readable row) {
		BigDecimal total = row.get("total", BigDecimal.class);
		return new Invoice(row.get("id", String.class), row.get("tenant_id", String.class),
				row.get("period_start", Instant.class), row.get("period_end", Instant.class),
				row.get("currency", String.class).trim(), row.get("status", String.class),
				(total != null) ? total : BigDecimal.ZERO, List.of(), row.get("created_at", Instant.class),
				row.get("finalized_at", Instant.class));
	}

}

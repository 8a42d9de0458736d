package io.duplex.billing.invoice;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.duplex.billing.pricing.Money;
import io.duplex.billing.pricing.PriceBookService;
import io.duplex.billing.pricing.RatedLine;
import io.duplex.billing.pricing.Rater;
import io.duplex.billing.report.UsageReader;
import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.security.Caller;
import io.duplex.core.security.Role;
import io.duplex.core.web.Problems;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Invoice rules: finance and tenant admin keys read their tenant's invoices (platform admins name
 * the tenant); another tenant's invoice does not exist (404). A month's lines are its usage rated
 * like every report, grouped by model and metric and rounded once per line as running totals, so
 * they add up to the rounded exact total: the FOCUS export's BilledCost for the same month.
 */
@Service
class InvoiceService {

	private final InvoiceRepository invoices;

	private final UsageReader usage;

	private final PriceBookService books;

	private final TransactionalOperator tx;

	InvoiceService(InvoiceRepository invoices, UsageReader usage, PriceBookService books, TransactionalOperator tx) {
		this.invoices = invoices;
		this.usage = usage;
		this.books = books;
		this.tx = tx;
	}

	/** The tenant's invoices, newest first; drafts of months not finalized yet are created on the way. */
	Mono<Page<Invoice>> list(Caller caller, @Nullable String tenant, PageRequest page) {
		String tenantId = tenantOf(caller, tenant);
		return this.invoices.months(tenantId)
			.concatMap((month) -> drafts(tenantId, month))
			.then(this.invoices.page(tenantId, page).concatMap(this::complete).collectList())
			.map((rows) -> Page.of(rows, page, Invoice::id));
	}

	/** One invoice with its lines; 404 when the tenant has none with this id. */
	Mono<Invoice> require(Caller caller, @Nullable String tenant, String id) {
		String tenantId = tenantOf(caller, tenant);
		return this.invoices.find(tenantId, id)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("invoice " + id)))
			.flatMap(this::complete);
	}

	/**
	 * Finalizes one tenant month, in one transaction: locks it, stores each currency's invoice
	 * with its lines and total, marks the month done. A run that dies half-way stores nothing; a
	 * second run of a finalized month changes nothing.
	 * @return true when this call finalized it
	 */
	Mono<Boolean> finalizeMonth(String tenantId, LocalDate month) {
		return this.invoices.lockForFinalizing(tenantId, month).flatMap((due) -> {
			if (!due) {
				return Mono.just(false);
			}
			return rate(tenantId, month)
				.flatMapMany((byCurrency) -> Flux.fromIterable(byCurrency.entrySet()))
				.concatMap((entry) -> this.invoices
					.ensure(tenantId, start(month), end(month), entry.getKey())
					.flatMap((invoice) -> this.invoices.finalize(InvoiceRepository.withLines(invoice,
							entry.getValue(), total(entry.getValue(), entry.getKey())))))
				.then(this.invoices.markFinalized(tenantId, month))
				.thenReturn(true);
		}).as(this.tx::transactional);
	}

	/** A stored invoice with its lines: a finalized one as stored, a draft computed from the ledger now. */
	private Mono<Invoice> complete(Invoice invoice) {
		if (Invoice.FINALIZED.equals(invoice.status())) {
			return invoice.lines().isEmpty() ? this.invoices.find(invoice.tenantId(), invoice.id())
					: Mono.just(invoice);
		}
		LocalDate month = invoice.periodStart().atZone(ZoneOffset.UTC).toLocalDate();
		return rate(invoice.tenantId(), month).map((byCurrency) -> {
			List<Invoice.Line> lines = byCurrency.getOrDefault(invoice.currency(), List.of());
			return InvoiceRepository.withLines(invoice, lines, total(lines, invoice.currency()));
		});
	}

	/** Draft rows for a month not finalized yet, one per currency its usage is priced in. */
	private Mono<Void> drafts(String tenantId, LocalDate month) {
		return rate(tenantId, month).flatMapMany((byCurrency) -> Flux.fromIterable(byCurrency.keySet()))
			.concatMap((currency) -> this.invoices.ensure(tenantId, start(month), end(month), currency))
			.filter((invoice) -> !Invoice.FINALIZED.equals(invoice.status()))
			.then();
	}

	/** The month's lines per currency, by model and metric, each rounded once (running totals). */
	Mono<Map<String, List<Invoice.Line>>> rate(String tenantId, LocalDate month) {
		return this.books.inForce().flatMap((books) -> {
			Rater.Summary summary = new Rater(books).summary((rated) -> List.of(rated.event().model(),
					rated.event().metric()));
			return this.usage.tenantEvents(tenantId, start(month), end(month))
				.doOnNext(summary::add)
				.then(Mono.fromSupplier(() -> {
					Map<String, List<Invoice.Line>> byCurrency = new LinkedHashMap<>();
					for (RatedLine line : summary.lines()) {
						byCurrency.computeIfAbsent(line.currency(), (c) -> new ArrayList<>())
							.add(new Invoice.Line(line.key().get(0), line.key().get(1), line.quantity(),
									line.cost()));
					}
					return byCurrency;
				}));
		});
	}

	private static BigDecimal total(List<Invoice.Line> lines, String currency) {
		return Money.total(lines.stream().map(Invoice.Line::cost).toList(), currency);
	}

	private static String tenantOf(Caller caller, @Nullable String tenant) {
		caller.requireRole(Role.FINANCE, Role.TENANT_ADMIN);
		if (caller.isPlatformAdmin()) {
			if (tenant == null) {
				throw Problems.validation("tenant", "is required for a platform admin: invoices are a tenant's");
			}
			return tenant;
		}
		if (tenant != null) {
			caller.requireAccessTo(tenant, "tenant " + tenant);
		}
		return caller.requireTenant();
	}

	static Instant start(LocalDate month) {
		return month.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
	}

	static Instant end(LocalDate month) {
		return month.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
	}

	/** An invoice as CSV (RFC 4180): one row per line, then the total. */
	static String csv(Invoice invoice) {
		StringBuilder csv = new StringBuilder(
				"invoice,period_start,period_end,status,model,metric,quantity,cost,currency\r\n");
		String head = invoice.id() + "," + invoice.periodStart() + "," + invoice.periodEnd() + "," + invoice.status()
				+ ",";
		for (Invoice.Line line : invoice.lines()) {
			csv.append(head).append(line.model()).append(',').append(line.metric()).append(',')
				.append(Money.scaledQuantity(line.quantity()).toPlainString()).append(',')
				.append(Money.round(line.cost(), invoice.currency()).toPlainString()).append(',')
				.append(invoice.currency()).append("\r\n");
		}
		csv.append(head).append("total,,,").append(Money.round(invoice.total(), invoice.currency()).toPlainString())
			.append(',').append(invoice.currency()).append("\r\n");
		return csv.toString();
	}

}

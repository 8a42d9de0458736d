package io.duplex.billing.report;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import io.duplex.billing.pricing.Money;
import io.duplex.billing.pricing.PriceBookService;
import io.duplex.billing.pricing.RatedEvent;
import io.duplex.billing.pricing.RatedLine;
import io.duplex.billing.pricing.Rater;
import io.duplex.core.tenant.TenantDirectory;
import io.duplex.core.usage.UsageEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rated usage for finance users: a report grouped by the keys asked, and exports (CSV, FOCUS,
 * XLSX) with one row per rated line, within {@link ExportLimits}. Both stream the ledger and round
 * once per line with {@link Money#roundLines}, so a report's lines and an export's rows over the
 * same usage add up to the same total, to the cent.
 */
@Service
class UsageReportService {

	private final UsageReader reader;

	private final PriceBookService books;

	private final CopyExports copies;

	private final TenantDirectory tenants;

	private final ExportLimits limits;

	private final JsonMapper json;

	UsageReportService(UsageReader reader, PriceBookService books, CopyExports copies, TenantDirectory tenants,
			ExportLimits limits, JsonMapper json) {
		this.reader = reader;
		this.books = books;
		this.copies = copies;
		this.tenants = tenants;
		this.limits = limits;
		this.json = json;
	}

	Mono<UsageReport> report(UsageQuery query) {
		Function<RatedEvent, List<@Nullable String>> key = groupKey(query.groupBy());
		return this.books.inForce().map(Rater::new).flatMap((rater) -> {
			Rater.Summary summary = rater.summary(key);
			return this.reader.events(query, "").doOnNext(summary::add).then(Mono.fromSupplier(summary::lines));
		}).map((lines) -> new UsageReport("list", lines.stream().map((line) -> row(query.groupBy(), line)).toList()));
	}

	/**
	 * The export in {@code format}, written whole to a spool file on the export pool
	 * ({@link CopyExports}); rows are written as the ledger is read, so memory stays constant
	 * whatever the period. The spool holds one of the tenant's export slots until it is read or
	 * closed.
	 * @throws io.duplex.core.web.ProblemException 422 when the period is longer than allowed
	 * @return the spool; errors with 429 when the tenant or the node runs its limit of exports, and
	 * as {@link CopyExports#spool} does
	 */
	Mono<ExportSpool> export(UsageQuery query, ExportFormat format) {
		this.limits.checkRange(query);
		return Mono.defer(() -> {
			ExportLimits.Slot slot = this.limits.admit(query.tenantId());
			return this.books.inForce()
				.flatMap((books) -> this.copies.spool(query, books, switch (format) {
					case CSV -> ExportWriter.csv();
					case FOCUS -> ExportWriter.focus(new FocusFormat(new TenantNames(this.tenants)));
					case XLSX -> ExportWriter.xlsx();
				}))
				.map((spool) -> spool.holding(slot))
				// failed or cancelled before there was a spool to hold it
				.doFinally((signal) -> {
					if (signal != SignalType.ON_COMPLETE) {
						slot.release();
					}
				});
		});
	}

	/**
	 * The query's rated lines, in export order, read row by row through R2DBC: the reference the
	 * COPY exports are tested against (exports themselves never read through the request pool).
	 */
	Flux<ExportLine> lines(Rater rater, UsageQuery query, boolean byDay) {
		return Flux.defer(() -> {
			ExportLines lines = new ExportLines(this.json, byDay);
			return this.reader.events(query, byDay ? UsageReader.REGIONAL_LINE_ORDER : UsageReader.LINE_ORDER)
				.<ExportLine>handle((event, sink) -> {
					ExportLine line = lines.add(rater.rate(event));
					if (line != null) {
						sink.next(line);
					}
				})
				.concatWith(Mono.fromSupplier(lines::finish));
		});
	}

	private static Map<String, @Nullable Object> row(List<String> groupBy, RatedLine line) {
		Map<String, @Nullable Object> row = new LinkedHashMap<>();
		for (int i = 0; i < groupBy.size(); i++) {
			row.put(groupBy.get(i), line.key().get(i));
		}
		row.put("quantity", Money.scaledQuantity(line.quantity()).toPlainString());
		row.put("cost", line.cost().toPlainString());
		row.put("currency", line.currency());
		return row;
	}

	/** The values of the group keys of an event, in the order asked. */
	static Function<RatedEvent, List<@Nullable String>> groupKey(List<String> groupBy) {
		List<Function<UsageEvent, @Nullable String>> parts = new ArrayList<>();
		for (String key : groupBy) {
			parts.add(switch (key) {
				case "day" -> (event) -> event.occurredAt().atZone(ZoneOffset.UTC).toLocalDate().toString();
				case "tenant" -> UsageEvent::tenantId;
				case "agent" -> UsageEvent::agentId;
				case "model" -> UsageEvent::model;
				case "metric" -> UsageEvent::metric;
				case "region" -> UsageEvent::region;
				case "compute" -> UsageEvent::compute;
				case "session" -> UsageEvent::sessionId;
				case "source" -> (event) -> event.source().wireName();
				case "estimated" -> (event) -> String.valueOf(event.estimated());
				default -> {
					String tag = key.substring(UsageQuery.TAG_PREFIX.length());
					yield (event) -> event.tags().get(tag);
				}
			});
		}
		return (rated) -> {
			List<@Nullable String> values = new ArrayList<>(parts.size());
			parts.forEach((part) -> values.add(part.apply(rated.event())));
			return values;
		};
	}

	/** The body of {@code GET /v1/usage}. */
	record UsageReport(String object, List<Map<String, @Nullable Object>> data) {
	}

	/** The formats of {@code GET /v1/usage/export}. */
	enum ExportFormat {

		CSV, FOCUS, XLSX

	}

}

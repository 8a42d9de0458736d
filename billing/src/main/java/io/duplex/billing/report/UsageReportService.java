package io.duplex.billing.report;

import java.math.BigDecimal;
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
import io.duplex.core.usage.UsageEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rated usage for finance users: a report grouped by the keys asked, and a CSV export with one
 * row per rated line. Both stream the ledger and round once per line with
 * {@link Money#roundLines}, so a report's lines and an export's rows over the same usage add up
 * to the same total, to the cent.
 */
@Service
class UsageReportService {

	private final UsageReader reader;

	private final PriceBookService books;

	private final JsonMapper json;

	UsageReportService(UsageReader reader, PriceBookService books, JsonMapper json) {
		this.reader = reader;
		this.books = books;
		this.json = json;
	}

	Mono<UsageReport> report(UsageQuery query) {
		Function<RatedEvent, List<@Nullable String>> key = groupKey(query.groupBy());
		return this.books.inForce().map(Rater::new).flatMap((rater) -> {
			Rater.Summary summary = rater.summary(key);
			return this.reader.events(query, "").doOnNext(summary::add).then(Mono.fromSupplier(summary::lines));
		}).map((lines) -> new UsageReport("list", lines.stream().map((line) -> row(query.groupBy(), line)).toList()));
	}

	/** The CSV export, header first; rows are written as the ledger is read. */
	Flux<String> exportCsv(UsageQuery query) {
		return this.books.inForce().map(Rater::new).flatMapMany((rater) -> {
			CsvLines lines = new CsvLines(this.json);
			return this.reader.events(query, UsageReader.LINE_ORDER)
				.<String>handle((event, sink) -> {
					String row = lines.add(rater.rate(event));
					if (row != null) {
						sink.next(row);
					}
				})
				.concatWith(Mono.fromSupplier(lines::finish));
		}).startWith(CsvLines.HEADER);
	}

	private static Map<String, @Nullable Object> row(List<String> groupBy, RatedLine line) {
		Map<String, @Nullable Object> row = new LinkedHashMap<>();
		for (int i = 0; i < groupBy.size(); i++) {
			row.put(groupBy.get(i), line.key().get(i));
		}
		row.put("quantity", line.quantity().setScale(Money.QUANTITY_SCALE).toPlainString());
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

	/** Running totals per currency (for rounding) and the rated line being summed. */
	static final class CsvLines {

		static final String HEADER = "tenant,session,agent,model,metric,quantity,unit,unit_price,cost,currency,tags\r\n";

		private final JsonMapper json;

		/** Per currency: the exact sum of the rows written so far and its rounding. */
		private final Map<String, BigDecimal[]> running = new LinkedHashMap<>();

		private @Nullable List<@Nullable String> key;

		private BigDecimal quantity = BigDecimal.ZERO;

		private BigDecimal exact = BigDecimal.ZERO;

		CsvLines(JsonMapper json) {
			this.json = json;
		}

		/** Adds the event to its line; returns the previous line's row when this one starts a new line. */
		@Nullable String add(RatedEvent rated) {
			UsageEvent event = rated.event();
			BigDecimal unitPrice = rated.price().unitPrice();
			List<@Nullable String> key = new ArrayList<>();
			key.add(event.tenantId());
			key.add(event.sessionId());
			key.add(event.agentId());
			key.add(event.model());
			key.add(event.metric());
			key.add((rated.price().unit() != null) ? rated.price().unit().wireName() : null);
			key.add((unitPrice != null) ? unitPrice.setScale(Math.max(unitPrice.scale(), Money.UNIT_PRICE_SCALE))
				.toPlainString() : null);
			key.add(rated.price().currency());
			key.add(this.json.writeValueAsString(new java.util.TreeMap<>(event.tags())));
			String row = null;
			if (this.key != null && !this.key.equals(key)) {
				row = finish();
			}
			this.key = key;
			this.quantity = this.quantity.add(event.quantity());
			this.exact = this.exact.add(rated.exactCost());
			return row;
		}

		/** The row of the line being summed; empty when there is none. */
		String finish() {
			List<@Nullable String> key = this.key;
			if (key == null) {
				return "";
			}
			String currency = key.get(7);
			BigDecimal[] sums = this.running.computeIfAbsent(currency,
					(c) -> new BigDecimal[] { BigDecimal.ZERO, Money.round(BigDecimal.ZERO, c) });
			sums[0] = sums[0].add(this.exact);
			BigDecimal rounded = Money.round(sums[0], currency);
			BigDecimal cost = rounded.subtract(sums[1]);
			sums[1] = rounded;
			String row = String.join(",", field(key.get(0)), field(key.get(1)), field(key.get(2)), field(key.get(3)),
					field(key.get(4)), this.quantity.setScale(Money.QUANTITY_SCALE).toPlainString(), field(key.get(5)),
					field(key.get(6)), cost.toPlainString(), currency, field(key.get(8))) + "\r\n";
			this.key = null;
			this.quantity = BigDecimal.ZERO;
			this.exact = BigDecimal.ZERO;
			return row;
		}

		/** An RFC 4180 field: quoted when it holds a comma, quote or line break. */
		static String field(@Nullable String value) {
			if (value == null) {
				return "";
			}
			if (value.contains(",") || value.contains("\"") || value.contains("\r") || value.contains("\n")) {
				return "\"" + value.replace("\"", "\"\"") + "\"";
			}
			return value;
		}

	}

}

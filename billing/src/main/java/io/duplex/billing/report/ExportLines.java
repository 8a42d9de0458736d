package io.duplex.billing.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import io.duplex.billing.pricing.LineCosts;
import io.duplex.billing.pricing.LinePrice;
import io.duplex.billing.pricing.PriceUnit;
import io.duplex.billing.pricing.RatedEvent;
import io.duplex.billing.pricing.RunningCosts;
import io.duplex.core.usage.UsageEvent;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sums rated events, read in an order that keeps each line's events adjacent, into export lines,
 * costed and rounded as running totals by {@link LineCosts}, as the COPY exports are: the rows of
 * an export add up to the rounded exact total of everything in it. Memory holds one line, whatever
 * the period.
 */
final class ExportLines {

	private final JsonMapper json;

	private final boolean byDay;

	private final LineCosts costs;

	/** Tags as JSON, by the map they were read as: sessions repeat the same tags row after row. */
	private final Map<Map<String, String>, String> tagsJson = new HashMap<>();

	private @Nullable Key key;

	/** @param byDay whether a line also splits by UTC day, region and pool (FOCUS charge periods) */
	ExportLines(JsonMapper json, boolean byDay) {
		this.json = json;
		this.byDay = byDay;
		// list costs are printed by FOCUS only
		this.costs = new LineCosts(byDay);
	}

	/** What makes a line: events that agree on all of it are summed. */
	private record Key(String tenantId, @Nullable String sessionId, @Nullable String agentId, String model,
			String metric, @Nullable String region, @Nullable String compute, @Nullable PriceUnit unit,
			@Nullable BigDecimal unitPrice, @Nullable BigDecimal listUnitPrice, @Nullable String bookId,
			String currency, String tags, @Nullable Instant day, String source, boolean estimated) {
	}

	/** Adds the event to its line; the previous line when this event starts a new one, else null. */
	@Nullable ExportLine add(RatedEvent rated) {
		UsageEvent event = rated.event();
		LinePrice price = LinePrice.of(rated.price());
		Key key = new Key(event.tenantId(), event.sessionId(), event.agentId(), event.model(), event.metric(),
				this.byDay ? event.region() : null, this.byDay ? event.compute() : null, rated.price().unit(),
				price.unitPrice(), price.listUnitPrice(), rated.price().bookId(), rated.price().currency(),
				tags(event.tags()),
				this.byDay ? event.occurredAt().truncatedTo(ChronoUnit.DAYS) : null, event.source().wireName(),
				event.estimated());
		ExportLine line = null;
		if (this.key != null && !this.key.equals(key)) {
			line = finish();
		}
		this.key = key;
		this.costs.add(price, event.quantity());
		return line;
	}

	/** The line being summed; null when there is none. */
	@Nullable ExportLine finish() {
		Key key = this.key;
		if (key == null) {
			return null;
		}
		BigDecimal quantity = this.costs.quantity();
		RunningCosts.Costs costs = this.costs.finish();
		ExportLine line = new ExportLine(key.tenantId(), key.sessionId(), key.agentId(), key.model(), key.metric(),
				key.region(), key.compute(), key.unit(), key.unitPrice(), key.listUnitPrice(), key.bookId(),
				key.currency(), key.tags(), key.day(), quantity, costs.cost(), costs.listCost(), key.source(),
				key.estimated());
		this.key = null;
		return line;
	}

	private String tags(Map<String, String> tags) {
		if (tags.isEmpty()) {
			return "{}";
		}
		if (this.tagsJson.size() > 10_000) {
			// tags vary without bound in this export: forget them, so memory stays constant
			this.tagsJson.clear();
		}
		return this.tagsJson.computeIfAbsent(tags, (t) -> this.json.writeValueAsString(new TreeMap<>(t)));
	}

}

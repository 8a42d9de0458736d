package io.duplex.billing.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import io.duplex.billing.pricing.AppliedPrice;
import io.duplex.billing.pricing.LineCosts;
import io.duplex.billing.pricing.LinePrice;
import io.duplex.billing.pricing.RatedEvent;
import io.duplex.billing.pricing.RunningCosts;
import io.duplex.core.usage.UsageEvent;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one grouping of an export's usage into lines: usage read in an order that keeps each line's
 * usage adjacent is summed into export lines, costed and rounded as running totals by
 * {@link LineCosts}, so the rows of an export add up to the rounded exact total of everything in
 * it. The COPY exports ({@link CopyExport}) add the rows they parse; the R2DBC reference adds
 * rated events. Memory holds one line, whatever the period. Not thread-safe: one per export.
 */
final class ExportLines {

	private static final long SECONDS_PER_DAY = 86_400L;

	/** Distinct tags remembered at most: beyond, forgotten, so memory stays constant. */
	private static final int REMEMBERED = 10_000;

	private final JsonMapper json;

	private final boolean byDay;

	private final LineCosts costs;

	/** Tags as JSON, by the map they were read as: sessions repeat the same tags row after row. */
	private final Map<Map<String, String>, String> tagsJson = new HashMap<>();

	/** The line being summed: the values of its first usage; {@code tenant} null when there is none. */
	private @Nullable String tenant;

	private @Nullable String session;

	private @Nullable String agent;

	private String model = "";

	private String metric = "";

	private @Nullable String region;

	private @Nullable String compute;

	private String tags = "";

	private String source = "";

	private boolean estimated;

	private long day;

	private @Nullable LinePrice price;

	/** @param byDay whether a line also splits by UTC day, region and pool (FOCUS charge periods) */
	ExportLines(JsonMapper json, boolean byDay) {
		this.json = json;
		this.byDay = byDay;
		// list costs are printed by FOCUS only: else not worth a multiplication per line
		this.costs = new LineCosts(byDay);
	}

	/** Whether lines split by UTC day, region and pool. */
	boolean byDay() {
		return this.byDay;
	}

	/** Adds the rated event to its line; the previous line when this event starts a new one, else null. */
	@Nullable ExportLine add(RatedEvent rated) {
		UsageEvent event = rated.event();
		return add(event.tenantId(), event.sessionId(), event.agentId(), event.model(), event.metric(),
				event.region(), event.compute(), tags(event.tags()), event.source().wireName(), event.estimated(),
				Math.floorDiv(event.occurredAt().getEpochSecond(), SECONDS_PER_DAY), LinePrice.of(rated.price()),
				event.quantity());
	}

	/**
	 * Adds usage to its line: usage that agrees on all of these values (region, pool and day only
	 * when lines split by day) and on its price ({@link LinePrice#sameAs}) is summed.
	 * @param tags the tags as a JSON object with sorted keys
	 * @param epochDay the UTC day the usage occurred on, in days since the epoch
	 * @return the previous line when this usage starts a new one, else null
	 */
	@Nullable ExportLine add(String tenant, @Nullable String session, @Nullable String agent, String model,
			String metric, @Nullable String region, @Nullable String compute, String tags, String source,
			boolean estimated, long epochDay, LinePrice price, BigDecimal quantity) {
		ExportLine finished = null;
		if (this.tenant != null && !(tenant.equals(this.tenant) && Objects.equals(session, this.session)
				&& Objects.equals(agent, this.agent) && model.equals(this.model) && metric.equals(this.metric)
				&& tags.equals(this.tags) && source.equals(this.source) && estimated == this.estimated
				&& price.sameAs(Objects.requireNonNull(this.price))
				&& (!this.byDay || (epochDay == this.day && Objects.equals(region, this.region)
						&& Objects.equals(compute, this.compute))))) {
			finished = finish();
		}
		if (this.tenant == null) {
			this.tenant = tenant;
			this.session = session;
			this.agent = agent;
			this.model = model;
			this.metric = metric;
			this.region = this.byDay ? region : null;
			this.compute = this.byDay ? compute : null;
			this.tags = tags;
			this.source = source;
			this.estimated = estimated;
			this.day = this.byDay ? epochDay : 0;
			this.price = price;
		}
		this.costs.add(price, quantity);
		return finished;
	}

	/** Ends the line being summed: the line; null when there is none. */
	@Nullable ExportLine finish() {
		String tenant = this.tenant;
		LinePrice price = this.price;
		if (tenant == null || price == null) {
			return null;
		}
		AppliedPrice applied = price.applied();
		BigDecimal quantity = this.costs.quantity();
		RunningCosts.Costs costs = this.costs.finish();
		ExportLine line = new ExportLine(tenant, this.session, this.agent, this.model, this.metric, this.region,
				this.compute, applied.unit(), price.unitPrice(), price.listUnitPrice(), applied.bookId(),
				applied.currency(), this.tags, this.byDay ? Instant.ofEpochSecond(this.day * SECONDS_PER_DAY) : null,
				quantity, costs.cost(), costs.listCost(), this.source, this.estimated);
		this.tenant = null;
		this.price = null;
		return line;
	}

	private String tags(Map<String, String> tags) {
		if (tags.isEmpty()) {
			return "{}";
		}
		if (this.tagsJson.size() > REMEMBERED) {
			// tags vary without bound in this export: forget them, so memory stays constant
			this.tagsJson.clear();
		}
		return this.tagsJson.computeIfAbsent(tags, (t) -> sortedJson(this.json, t));
	}

	/** {@code tags} as a JSON object with sorted keys, as a line holds them. */
	static String sortedJson(JsonMapper json, Map<String, String> tags) {
		return tags.isEmpty() ? "{}" : json.writeValueAsString(new TreeMap<>(tags));
	}

}

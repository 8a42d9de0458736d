package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import io.duplex.core.usage.UsageEvent;

/**
 * Rates usage: each event at the price in force at its {@code occurred_at} (so a price change in
 * the middle of a period splits usage exactly at the effective instant), with exact arithmetic;
 * lines are the exact sums, rounded once per line by {@link Money#roundLines}. Pure: no I/O.
 */
public final class Rater {

	private static final Comparator<List<@Nullable String>> KEY_ORDER = (a, b) -> {
		for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
			int compared = Comparator.<String>nullsFirst(Comparator.naturalOrder()).compare(a.get(i), b.get(i));
			if (compared != 0) {
				return compared;
			}
		}
		return Integer.compare(a.size(), b.size());
	};

	private final PriceBooks books;

	public Rater(PriceBooks books) {
		this.books = books;
	}

	public RatedEvent rate(UsageEvent event) {
		AppliedPrice price = this.books.priceFor(event.tenantId(), event.model(), event.metric(), event.compute(),
				event.occurredAt());
		return new RatedEvent(event, price, price.exactCost(event.quantity()));
	}

	/** Sums rated events into lines; add every event, then call {@link #lines()}. */
	public Summary summary(Function<RatedEvent, List<@Nullable String>> key) {
		return new Summary(key);
	}

	/** Rates {@code events} into lines grouped by {@code key} (and currency). */
	public List<RatedLine> lines(Iterable<UsageEvent> events, Function<RatedEvent, List<@Nullable String>> key) {
		Summary summary = summary(key);
		events.forEach(summary::add);
		return summary.lines();
	}

	/** Running sums per line; memory grows with the number of lines, not of events. */
	public final class Summary {

		private final Function<RatedEvent, List<@Nullable String>> key;

		private final Map<String, Map<List<@Nullable String>, BigDecimal[]>> byCurrency = new TreeMap<>();

		private Summary(Function<RatedEvent, List<@Nullable String>> key) {
			this.key = key;
		}

		public RatedEvent add(UsageEvent event) {
			RatedEvent rated = rate(event);
			BigDecimal[] sums = this.byCurrency.computeIfAbsent(rated.price().currency(), (c) -> new TreeMap<>(KEY_ORDER))
				.computeIfAbsent(this.key.apply(rated), (k) -> new BigDecimal[] { BigDecimal.ZERO, BigDecimal.ZERO });
			sums[0] = sums[0].add(event.quantity());
			sums[1] = sums[1].add(rated.exactCost());
			return rated;
		}

		/**
		 * The rounded total of the lines in {@code currency} (usage priced in other currencies left
		 * out): their rounded sum, which is the exact sum rounded once.
		 */
		public BigDecimal total(String currency) {
			return Money.total(lines().stream()
				.filter((line) -> line.currency().equals(currency))
				.map(RatedLine::cost)
				.toList(), currency);
		}

		/** The lines by currency, then key; each currency's rounded lines add up to its rounded total. */
		public List<RatedLine> lines() {
			List<RatedLine> lines = new ArrayList<>();
			this.byCurrency.forEach((currency, sums) -> {
				Map<List<@Nullable String>, BigDecimal[]> ordered = new LinkedHashMap<>(sums);
				List<BigDecimal> rounded = Money
					.roundLines(ordered.values().stream().map((pair) -> pair[1]).toList(), currency);
				int i = 0;
				for (Map.Entry<List<@Nullable String>, BigDecimal[]> entry : ordered.entrySet()) {
					lines.add(new RatedLine(entry.getKey(), currency, entry.getValue()[0], entry.getValue()[1],
							rounded.get(i++)));
				}
			});
			return lines;
		}

	}

}

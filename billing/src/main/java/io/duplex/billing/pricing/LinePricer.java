package io.duplex.billing.pricing;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Looks up the prices of a stream of usage rows, one export's: each price once per key (tenant,
 * model, metric, pool) and span of books in force ({@link PriceBooks#inForce}), not once per row.
 * The last price found is tried first, by the identity of its strings (a reader that hands the
 * same instances row after row skips the map); the map compares by value. Not thread-safe: one
 * per export.
 */
public final class LinePricer {

	private static final long MICROS_PER_SECOND = 1_000_000L;

	/** Distinct prices remembered at most: beyond, forgotten, so memory stays constant. */
	private static final int REMEMBERED = 10_000;

	private final PriceBooks books;

	private final Map<Key, Cached> prices = new HashMap<>();

	private @Nullable Cached last;

	public LinePricer(PriceBooks books) {
		this.books = books;
	}

	/** The price in force at {@code micros} (since the epoch), as {@link PriceBooks#priceFor} answers. */
	public LinePrice price(String tenant, String model, String metric, @Nullable String compute, long micros) {
		Cached last = this.last;
		if (last != null && last.key().tenant() == tenant && last.key().model() == model
				&& last.key().metric() == metric && last.key().compute() == compute && last.covers(micros)) {
			return last.price();
		}
		Key key = new Key(tenant, model, metric, compute);
		Cached cached = this.prices.get(key);
		if (cached == null || !cached.covers(micros)) {
			Instant instant = Instant.ofEpochSecond(Math.floorDiv(micros, MICROS_PER_SECOND),
					Math.floorMod(micros, MICROS_PER_SECOND) * 1_000);
			PriceBooks.InForce span = this.books.inForce(tenant, instant);
			cached = new Cached(key, LinePrice.of(this.books.priceFor(tenant, model, metric, compute, instant)),
					ceilMicros(span.from()), ceilMicros(span.until()));
			if (this.prices.size() > REMEMBERED) {
				this.prices.clear();
			}
			this.prices.put(key, cached);
		}
		this.last = cached;
		return cached.price();
	}

	/** The first whole microsecond at or after {@code instant} (timestamps are whole microseconds). */
	static long ceilMicros(Instant instant) {
		try {
			return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), MICROS_PER_SECOND),
					(instant.getNano() + 999) / 1_000);
		}
		catch (ArithmeticException ex) {
			return (instant.getEpochSecond() < 0) ? Long.MIN_VALUE : Long.MAX_VALUE;
		}
	}

	private record Key(String tenant, String model, String metric, @Nullable String compute) {
	}

	/** A price and the span of microseconds {@code [from, until)} it holds for its key. */
	private record Cached(Key key, LinePrice price, long from, long until) {

		boolean covers(long micros) {
			return micros >= this.from && micros < this.until;
		}

	}

}

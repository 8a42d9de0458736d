package io.duplex.billing.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Every version of the platform book and of the tenants' books, answering which price was in
 * force at an instant. Immutable; build it once per report or export.
 */
public final class PriceBooks {

	/** Used only when no platform book is in force at all. */
	static final String FALLBACK_CURRENCY = "USD";

	/** Platform versions, newest first. */
	private final List<PriceBook> platform;

	/** Each tenant's versions, newest first. */
	private final Map<String, List<PriceBook>> tenants = new HashMap<>();

	private final Map<String, Map<String, Price>> prices = new HashMap<>();

	public PriceBooks(List<PriceBook> books) {
		Comparator<PriceBook> newestFirst = Comparator.comparing(PriceBook::effectiveFrom).reversed();
		List<PriceBook> platformBooks = new ArrayList<>();
		for (PriceBook book : books) {
			String tenant = book.tenantId();
			if (tenant == null) {
				platformBooks.add(book);
			}
			else {
				this.tenants.computeIfAbsent(tenant, (key) -> new ArrayList<>()).add(book);
			}
			Map<String, Price> index = new HashMap<>();
			book.prices().forEach((price) -> index.put(key(price.model(), price.metric(), price.compute()), price));
			this.prices.put(book.id(), index);
		}
		platformBooks.sort(newestFirst);
		this.platform = List.copyOf(platformBooks);
		this.tenants.values().forEach((versions) -> versions.sort(newestFirst));
	}

	/**
	 * The price of {@code metric} of {@code model} on pool {@code compute} for {@code tenantId} at
	 * {@code at}: the tenant's contract price in force if it has one, else the platform price in
	 * force less the tenant's discount in force, else unpriced. Within a book the most specific
	 * price wins: of the model on the pool, of the model, of any model on the pool, of any model.
	 */
	public AppliedPrice priceFor(String tenantId, String model, String metric, @Nullable String compute, Instant at) {
		PriceBook tenantBook = inForce(this.tenants.getOrDefault(tenantId, List.of()), at);
		PriceBook platformBook = inForce(this.platform, at);
		Price list = (platformBook != null) ? find(platformBook, model, metric, compute) : null;
		if (tenantBook != null) {
			Price contract = find(tenantBook, model, metric, compute);
			if (contract != null) {
				return new AppliedPrice(tenantBook.id(), contract.unit(), contract.unitPrice(), tenantBook.currency(),
						(list != null && list.unit() == contract.unit() && platformBook.currency()
							.equals(tenantBook.currency())) ? list.unitPrice() : contract.unitPrice());
			}
		}
		if (platformBook == null) {
			return AppliedPrice.unpriced(FALLBACK_CURRENCY);
		}
		if (list == null) {
			return AppliedPrice.unpriced(platformBook.currency());
		}
		if (tenantBook != null && tenantBook.discountPercent().signum() != 0) {
			return new AppliedPrice(tenantBook.id(), list.unit(),
					Money.discounted(list.unitPrice(), tenantBook.discountPercent()), platformBook.currency(),
					list.unitPrice());
		}
		return new AppliedPrice(platformBook.id(), list.unit(), list.unitPrice(), platformBook.currency(),
				list.unitPrice());
	}

	/** The currency {@code tenantId} is charged in at {@code at}: its contract book's, else the platform's. */
	public String currencyFor(String tenantId, Instant at) {
		PriceBook tenantBook = inForce(this.tenants.getOrDefault(tenantId, List.of()), at);
		if (tenantBook != null && (!tenantBook.prices().isEmpty() || tenantBook.discountPercent().signum() != 0)) {
			return tenantBook.currency();
		}
		PriceBook platformBook = inForce(this.platform, at);
		return (platformBook != null) ? platformBook.currency() : FALLBACK_CURRENCY;
	}

	/**
	 * The instants around {@code at} between which the books in force for {@code tenantId} stay the
	 * same: {@link #priceFor} answers the same for any instant of {@code [from, until)}, so a reader
	 * of many events can look a price up once per span rather than once per event.
	 */
	public InForce inForce(String tenantId, Instant at) {
		Instant from = Instant.MIN;
		Instant until = Instant.MAX;
		for (List<PriceBook> versions : List.of(this.platform, this.tenants.getOrDefault(tenantId, List.of()))) {
			for (PriceBook book : versions) {
				Instant effective = book.effectiveFrom();
				if (effective.isAfter(at)) {
					until = (effective.isBefore(until)) ? effective : until;
				}
				else if (effective.isAfter(from)) {
					from = effective;
				}
			}
		}
		return new InForce(from, until);
	}

	/** A span of time with the same books in force: {@code from ≤ t < until}. */
	public record InForce(Instant from, Instant until) {
	}

	private @Nullable Price find(PriceBook book, String model, String metric, @Nullable String compute) {
		Map<String, Price> index = this.prices.get(book.id());
		Price price = (compute != null) ? index.get(key(model, metric, compute)) : null;
		if (price == null) {
			price = index.get(key(model, metric, null));
		}
		if (price == null && compute != null) {
			price = index.get(key(Price.ANY_MODEL, metric, compute));
		}
		if (price == null) {
			price = index.get(key(Price.ANY_MODEL, metric, null));
		}
		return price;
	}

	/** The version in force at {@code at}: the newest one effective at or before it. */
	private static @Nullable PriceBook inForce(List<PriceBook> newestFirst, Instant at) {
		for (PriceBook book : newestFirst) {
			if (!book.effectiveFrom().isAfter(at)) {
				return book;
			}
		}
		return null;
	}

	private static String key(String model, String metric, @Nullable String compute) {
		return model + '\u0000' + metric + '\u0000' + ((compute != null) ? compute : "");
	}

}

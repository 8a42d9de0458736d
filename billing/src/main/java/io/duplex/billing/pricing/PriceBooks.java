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
			book.prices().forEach((price) -> index.put(key(price.model(), price.metric()), price));
			this.prices.put(book.id(), index);
		}
		platformBooks.sort(newestFirst);
		this.platform = List.copyOf(platformBooks);
		this.tenants.values().forEach((versions) -> versions.sort(newestFirst));
	}

	/**
	 * The price of {@code metric} of {@code model} for {@code tenantId} at {@code at}: the tenant's
	 * contract price in force if it has one, else the platform price in force less the tenant's
	 * discount in force, else unpriced.
	 */
	public AppliedPrice priceFor(String tenantId, String model, String metric, Instant at) {
		PriceBook tenantBook = inForce(this.tenants.getOrDefault(tenantId, List.of()), at);
		PriceBook platformBook = inForce(this.platform, at);
		if (tenantBook != null) {
			Price contract = this.prices.get(tenantBook.id()).get(key(model, metric));
			if (contract != null) {
				return new AppliedPrice(tenantBook.id(), contract.unit(), contract.unitPrice(), tenantBook.currency());
			}
		}
		if (platformBook == null) {
			return new AppliedPrice(null, null, null, FALLBACK_CURRENCY);
		}
		Price list = this.prices.get(platformBook.id()).get(key(model, metric));
		if (list == null) {
			return new AppliedPrice(null, null, null, platformBook.currency());
		}
		if (tenantBook != null && tenantBook.discountPercent().signum() != 0) {
			return new AppliedPrice(tenantBook.id(), list.unit(),
					Money.discounted(list.unitPrice(), tenantBook.discountPercent()), platformBook.currency());
		}
		return new AppliedPrice(platformBook.id(), list.unit(), list.unitPrice(), platformBook.currency());
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

	private static String key(String model, String metric) {
		return model + '\u0000' + metric;
	}

}

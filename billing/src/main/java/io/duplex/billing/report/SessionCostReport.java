package io.duplex.billing.report;

import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Service;

import io.duplex.billing.pricing.Money;
import io.duplex.billing.pricing.PriceBookService;
import io.duplex.billing.pricing.RatedLine;
import io.duplex.billing.pricing.Rater;
import io.duplex.core.usage.SessionCost;
import io.duplex.core.usage.SessionCosts;
import reactor.core.publisher.Mono;

/**
 * A session's cost so far: its usage rated like any other (each event at the price in force when
 * it occurred), one item per metric rounded once with {@link Money#roundLines},
 * so the items add up to the total exactly.
 */
@Service
class SessionCostReport implements SessionCosts {

	private final UsageReader reader;

	private final PriceBookService books;

	SessionCostReport(UsageReader reader, PriceBookService books) {
		this.reader = reader;
		this.books = books;
	}

	@Override
	public Mono<SessionCost> costOf(String tenantId, String sessionId) {
		return this.books.inForce().flatMap((books) -> {
			Rater.Summary summary = new Rater(books).summary((rated) -> List.of(rated.event().metric()));
			return this.reader.sessionEvents(tenantId, sessionId)
				.doOnNext(summary::add)
				.then(Mono.fromSupplier(() -> cost(summary.lines(), books.currencyFor(tenantId, Instant.now()))));
		});
	}

	/**
	 * The items in the tenant's currency. Usage priced in another currency (a contract in another
	 * currency than the list prices, changed during the session) is shown only if the session has
	 * nothing in the tenant's currency: a sum across currencies would mean nothing.
	 */
	static SessionCost cost(List<RatedLine> lines, String tenantCurrency) {
		String currency = (lines.isEmpty() || lines.stream().anyMatch((line) -> line.currency().equals(tenantCurrency)))
				? tenantCurrency : lines.get(0).currency();
		List<RatedLine> inCurrency = lines.stream().filter((line) -> line.currency().equals(currency)).toList();
		return new SessionCost(currency,
				Money.total(inCurrency.stream().map(RatedLine::cost).toList(), currency),
				inCurrency.stream()
					.map((line) -> new SessionCost.Item(line.key().get(0), line.quantity(), line.cost()))
					.toList());
	}

}

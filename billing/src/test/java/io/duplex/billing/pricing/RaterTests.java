package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.duplex.core.usage.UsageEvent;

import static org.assertj.core.api.Assertions.assertThat;

/** Rating by hand-computed figures: exact per event, rounded once per line, split at a price change. */
class RaterTests {

	private static final String TENANT = "ten_A";

	private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");

	private static final Instant CHANGE = Instant.parse("2026-11-15T12:00:00Z");

	private static final PriceBook LIST = book("pb_1", null, JAN, "0", price("gpt-realtime", "output_audio_tokens",
			"64.00"), price("gpt-realtime", "input_audio_tokens", "32.00"), price("gpt-realtime", "session_seconds",
					"0.001"));

	private static final PriceBook LIST_CHEAPER = book("pb_2", null, CHANGE, "0",
			price("gpt-realtime", "output_audio_tokens", "48.00"), price("gpt-realtime", "input_audio_tokens", "32.00"));

	@Test
	void rateWhenOneMillionTokensAndMoreThenExactAndRoundedOnceHalfEven() {
		Rater rater = new Rater(new PriceBooks(List.of(LIST)));

		RatedEvent rated = rater.rate(event("output_audio_tokens", "1234567", "2026-11-02T10:00:00Z"));

		assertThat(rated.exactCost()).isEqualByComparingTo("79.012288");
		assertThat(rated.price().bookId()).isEqualTo("pb_1");
		List<RatedLine> lines = rater.lines(List.of(rated.event()), (r) -> List.of(r.event().metric()));
		assertThat(lines).singleElement().satisfies((line) -> {
			assertThat(line.cost()).isEqualTo(new BigDecimal("79.01"));
			assertThat(line.currency()).isEqualTo("USD");
		});
	}

	@Test
	void linesWhenManyTinyEventsThenRoundedOnceNotPerEvent() {
		Rater rater = new Rater(new PriceBooks(List.of(LIST)));
		// 1,000 events of 70 output audio tokens: 0.00448 each, 0.00 if each were rounded; 4.48 in all
		List<UsageEvent> events = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			events.add(event("output_audio_tokens", "70", "2026-11-02T10:00:00Z"));
		}

		List<RatedLine> lines = rater.lines(events, (r) -> List.of());

		assertThat(lines).singleElement().satisfies((line) -> {
			assertThat(line.exactCost()).isEqualByComparingTo("4.48");
			assertThat(line.cost()).isEqualTo(new BigDecimal("4.48"));
			assertThat(line.quantity()).isEqualByComparingTo("70000");
		});
	}

	@Test
	void rateWhenPriceChangesMidPeriodThenSplitsExactlyAtTheEffectiveInstant() {
		Rater rater = new Rater(new PriceBooks(List.of(LIST_CHEAPER, LIST)));
		UsageEvent before = event("output_audio_tokens", "1000000", "2026-11-15T11:59:59.999999Z");
		UsageEvent at = event("output_audio_tokens", "1000000", "2026-11-15T12:00:00Z");

		assertThat(rater.rate(before).exactCost()).isEqualByComparingTo("64");
		assertThat(rater.rate(at).exactCost()).isEqualByComparingTo("48");
		// one line for the month: 64 + 48
		assertThat(rater.lines(List.of(before, at), (r) -> List.of(r.event().metric())))
			.singleElement()
			.satisfies((line) -> assertThat(line.cost()).isEqualTo(new BigDecimal("112.00")));
		// the newer platform book has no session price: unpriced from its instant on
		assertThat(rater.rate(event("session_seconds", "60", "2026-11-16T00:00:00Z")).price().unitPrice()).isNull();
		assertThat(rater.rate(event("session_seconds", "60", "2026-11-14T00:00:00Z")).exactCost())
			.isEqualByComparingTo("0.06");
	}

	@Test
	void rateWhenTenantHasDiscountThenTakenOffListPricesExactly() {
		PriceBook discount = book("pb_3", TENANT, JAN, "12.5");
		Rater rater = new Rater(new PriceBooks(List.of(LIST, discount)));

		RatedEvent rated = rater.rate(event("output_audio_tokens", "1234567", "2026-11-02T10:00:00Z"));

		// 64.00 less 12.5% = 56.00; 1,234,567 × 56 / 1M = 69.135752
		assertThat(rated.price().unitPrice()).isEqualByComparingTo("56");
		assertThat(rated.price().bookId()).isEqualTo("pb_3");
		assertThat(rated.exactCost()).isEqualByComparingTo("69.135752");
		assertThat(rater.lines(List.of(rated.event()), (r) -> List.of())).singleElement()
			.satisfies((line) -> assertThat(line.cost()).isEqualTo(new BigDecimal("69.14")));
		// another tenant pays list price
		UsageEvent other = new UsageEvent("ten_B", "k", null, null, null, null, "gpt-realtime", null, null,
				"output_audio_tokens", new BigDecimal("1234567"), Instant.parse("2026-11-02T10:00:00Z"), Map.of());
		assertThat(rater.rate(other).exactCost()).isEqualByComparingTo("79.012288");
	}

	@Test
	void rateWhenTenantHasContractPriceThenItWinsAndItsDiscountSparesIt() {
		PriceBook contract = book("pb_4", TENANT, JAN, "10", price("gpt-realtime", "output_audio_tokens", "50.00"));
		Rater rater = new Rater(new PriceBooks(List.of(LIST, contract)));

		assertThat(rater.rate(event("output_audio_tokens", "1000000", "2026-11-02T10:00:00Z")).exactCost())
			.isEqualByComparingTo("50");
		// input audio has no contract price: list 32.00 less 10%
		assertThat(rater.rate(event("input_audio_tokens", "1000000", "2026-11-02T10:00:00Z")).exactCost())
			.isEqualByComparingTo("28.8");
	}

	@Test
	void rateWhenTenantBookStartsLaterThenListPriceBeforeIt() {
		PriceBook contract = book("pb_5", TENANT, CHANGE, "0", price("gpt-realtime", "output_audio_tokens", "1.00"));
		Rater rater = new Rater(new PriceBooks(List.of(LIST, contract)));

		assertThat(rater.rate(event("output_audio_tokens", "1000000", "2026-11-15T11:59:59Z")).exactCost())
			.isEqualByComparingTo("64");
		assertThat(rater.rate(event("output_audio_tokens", "1000000", "2026-11-15T12:00:00Z")).exactCost())
			.isEqualByComparingTo("1");
	}

	@Test
	void rateWhenNoBookPricesTheModelThenUnpricedAtZero() {
		Rater rater = new Rater(new PriceBooks(List.of(LIST)));

		RatedEvent rated = rater.rate(new UsageEvent(TENANT, "k", null, null, null, null, "unknown-model", null, null,
				"output_audio_tokens", BigDecimal.TEN, Instant.parse("2026-11-02T10:00:00Z"), Map.of()));

		assertThat(rated.price().unitPrice()).isNull();
		assertThat(rated.exactCost()).isZero();
		assertThat(rated.price().currency()).isEqualTo("USD");
	}

	@Test
	void linesWhenGroupedThenOrderedByKeyAndAddingUpToTheRoundedTotal() {
		Rater rater = new Rater(new PriceBooks(List.of(LIST)));
		// three lines of 0.005 each (exactly half a cent): running totals 0.005, 0.010, 0.015 round to
		// 0.00, 0.01, 0.02, so the lines are 0.00, 0.01, 0.01 and add up to 0.02 (0.015 half-even)
		List<UsageEvent> events = List.of(eventFor("agt_c", "78.125"), eventFor("agt_a", "78.125"),
				eventFor("agt_b", "78.125"));

		List<RatedLine> lines = rater.lines(events, (r) -> Arrays.asList(r.event().agentId()));

		assertThat(lines).extracting((line) -> line.key().get(0)).containsExactly("agt_a", "agt_b", "agt_c");
		assertThat(lines).extracting(RatedLine::cost)
			.containsExactly(new BigDecimal("0.00"), new BigDecimal("0.01"), new BigDecimal("0.01"));
		assertThat(lines.stream().map(RatedLine::cost).reduce(BigDecimal.ZERO, BigDecimal::add))
			.isEqualTo(new BigDecimal("0.02"));
	}

	@Test
	void rateWhenPricesAreForAnyModelOrOnePoolThenTheMostSpecificPriceApplies() {
		Price fee = new Price(Price.ANY_MODEL, "session_seconds", null, PriceUnit.PER_MINUTE, new BigDecimal("0.01"));
		Price anyPool = new Price(Price.ANY_MODEL, "compute_seconds", null, PriceUnit.PER_MINUTE,
				new BigDecimal("0.02"));
		Price gpuPool = new Price(Price.ANY_MODEL, "compute_seconds", "gpu-a", PriceUnit.PER_MINUTE,
				new BigDecimal("0.12"));
		Price modelOnGpu = new Price("llama", "compute_seconds", "gpu-a", PriceUnit.PER_MINUTE,
				new BigDecimal("0.30"));
		Rater rater = new Rater(
				new PriceBooks(List.of(book("pb_p", null, JAN, "0", fee, anyPool, gpuPool, modelOnGpu))));

		assertThat(rater.rate(onPool("sandbox", "session_seconds", null, "90")).exactCost())
			.isEqualByComparingTo("0.015");
		assertThat(rater.rate(onPool("sandbox", "compute_seconds", "cpu-b", "90")).exactCost())
			.isEqualByComparingTo("0.03");
		assertThat(rater.rate(onPool("sandbox", "compute_seconds", "gpu-a", "90")).exactCost())
			.isEqualByComparingTo("0.18");
		assertThat(rater.rate(onPool("llama", "compute_seconds", "gpu-a", "90")).exactCost())
			.isEqualByComparingTo("0.45");
	}

	@Test
	void rateWhenPricePerMinuteDoesNotDivideEvenlyThenLineIsRoundedOnceFromTheSum() {
		// 0.01 per minute: 1 second costs 0.000166…; 3 × 20 s = 1 minute costs exactly 0.01 in total
		Price fee = new Price(Price.ANY_MODEL, "session_seconds", null, PriceUnit.PER_MINUTE, new BigDecimal("0.01"));
		Rater rater = new Rater(new PriceBooks(List.of(book("pb_p", null, JAN, "0", fee))));
		List<UsageEvent> events = List.of(onPool("sandbox", "session_seconds", null, "20"),
				onPool("sandbox", "session_seconds", null, "20"), onPool("sandbox", "session_seconds", null, "20"));

		List<RatedLine> lines = rater.lines(events, (r) -> List.of(r.event().metric()));

		assertThat(lines).singleElement().satisfies((line) -> {
			assertThat(line.cost()).isEqualTo(new BigDecimal("0.01"));
			assertThat(line.exactCost().subtract(new BigDecimal("0.01")).abs())
				.isLessThan(new BigDecimal("1E-" + (Money.PER_MINUTE_COST_SCALE - 1)));
		});
	}

	@Test
	void rateWhenTenantHasContractPriceThenListPriceIsKeptForListCost() {
		PriceBooks books = new PriceBooks(List.of(book("pb_p", null, JAN, "0", price("gpt-realtime",
				"output_audio_tokens", "64")), book("pb_t", TENANT, JAN, "0", price("gpt-realtime",
						"output_audio_tokens", "50"))));

		AppliedPrice applied = books.priceFor(TENANT, "gpt-realtime", "output_audio_tokens", null,
				Instant.parse("2026-11-02T10:00:00Z"));

		assertThat(applied.unitPrice()).isEqualByComparingTo("50");
		assertThat(applied.listUnitPrice()).isEqualByComparingTo("64");
		assertThat(applied.exactListCost(new BigDecimal("1000000"))).isEqualByComparingTo("64");
	}

	@Test
	void inForceWhenBooksChangeThenTheSpanBetweenTheChangesAroundTheInstant() {
		Instant tenantFrom = Instant.parse("2026-11-20T00:00:00Z");
		PriceBooks books = new PriceBooks(List.of(LIST, LIST_CHEAPER, book("pb_t", TENANT, tenantFrom, "10"),
				book("pb_other", "ten_B", Instant.parse("2026-11-17T00:00:00Z"), "5")));

		assertThat(books.inForce(TENANT, Instant.parse("2025-06-01T00:00:00Z")))
			.isEqualTo(new PriceBooks.InForce(Instant.MIN, JAN));
		assertThat(books.inForce(TENANT, JAN)).isEqualTo(new PriceBooks.InForce(JAN, CHANGE));
		assertThat(books.inForce(TENANT, CHANGE.minusNanos(1))).isEqualTo(new PriceBooks.InForce(JAN, CHANGE));
		// another tenant's book changes nothing for this one
		assertThat(books.inForce(TENANT, CHANGE)).isEqualTo(new PriceBooks.InForce(CHANGE, tenantFrom));
		assertThat(books.inForce(TENANT, Instant.parse("2027-01-01T00:00:00Z")))
			.isEqualTo(new PriceBooks.InForce(tenantFrom, Instant.MAX));
		assertThat(books.inForce("ten_B", CHANGE))
			.isEqualTo(new PriceBooks.InForce(CHANGE, Instant.parse("2026-11-17T00:00:00Z")));
		// within a span, every price is the one at its start
		for (Instant at : List.of(CHANGE, CHANGE.plusSeconds(3600), tenantFrom.minusNanos(1))) {
			assertThat(books.priceFor(TENANT, "gpt-realtime", "output_audio_tokens", null, at))
				.isEqualTo(books.priceFor(TENANT, "gpt-realtime", "output_audio_tokens", null, CHANGE));
		}
	}

	private static UsageEvent onPool(String model, String metric, String compute, String quantity) {
		return new UsageEvent(TENANT, "k" + quantity, "agt_1", 1, "sess_1", null, model, "us-east", compute, metric,
				new BigDecimal(quantity), Instant.parse("2026-11-02T10:00:00Z"), Map.of());
	}

	private static UsageEvent eventFor(String agent, String quantity) {
		return new UsageEvent(TENANT, agent, agent, 1, null, null, "gpt-realtime", null, null, "output_audio_tokens",
				new BigDecimal(quantity), Instant.parse("2026-11-02T10:00:00Z"), Map.of());
	}

	private static UsageEvent event(String metric, String quantity, String at) {
		return new UsageEvent(TENANT, metric + at, "agt_1", 1, "sess_1", 1, "gpt-realtime", "us-east", null, metric,
				new BigDecimal(quantity), Instant.parse(at), Map.of());
	}

	private static Price price(String model, String metric, String unitPrice) {
		return new Price(model, metric, PriceUnit.forMetric(metric).orElseThrow(), new BigDecimal(unitPrice));
	}

	private static PriceBook book(String id, String tenant, Instant from, String discount, Price... prices) {
		return new PriceBook(id, id, "USD", from, tenant, new BigDecimal(discount), List.of(prices), JAN);
	}

}

package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one costing of export lines: a line's price and running rounding, per-minute sums, cached prices. */
class LineCostsTests {

	private static final String TENANT = "ten_A";

	private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");

	private static final Instant CHANGE = Instant.parse("2026-11-15T12:00:00Z");

	private static final long CHANGE_MICROS = CHANGE.getEpochSecond() * 1_000_000L;

	private static final PriceBooks BOOKS = new PriceBooks(List.of(
			book("pb_1", null, JAN, "0", price("output_audio_tokens", PriceUnit.PER_MILLION_TOKENS, "64.00"),
					price("session_seconds", PriceUnit.PER_MINUTE, "0.01")),
			book("pb_2", null, CHANGE, "0", price("output_audio_tokens", PriceUnit.PER_MILLION_TOKENS, "48.00"),
					price("session_seconds", PriceUnit.PER_MINUTE, "0.01")),
			book("pb_t", TENANT, JAN, "12.5")));

	@Test
	void finishWhenLinesThenRoundedAsRunningTotalsThatAddUpToTheRoundedExactTotal() {
		LinePricer pricer = new LinePricer(BOOKS);
		LineCosts costs = new LineCosts(true);
		LinePrice price = pricer.price("ten_B", "gpt-realtime", "output_audio_tokens", null, CHANGE_MICROS - 1);
		// three lines of 70 tokens at 64 per million: 0.00448 each, 0.01344 in all
		BigDecimal total = BigDecimal.ZERO;
		for (int line = 0; line < 3; line++) {
			costs.add(price, new BigDecimal("30"));
			costs.add(price, new BigDecimal("40"));
			assertThat(costs.quantity()).isEqualByComparingTo("70");
			RunningCosts.Costs line0 = costs.finish();
			assertThat(line0.listCost()).isEqualTo(line0.cost());
			total = total.add(line0.cost());
		}

		assertThat(total).isEqualTo(new BigDecimal("0.01"));
		assertThat(costs.quantity()).isEqualByComparingTo("0");
	}

	@Test
	void finishWhenPerMinuteThenTheSumOfEachEventsCutQuotient() {
		LinePricer pricer = new LinePricer(BOOKS);
		LineCosts costs = new LineCosts(false);
		LinePrice price = pricer.price("ten_B", "gpt-realtime", "session_seconds", null, CHANGE_MICROS);
		BigDecimal exact = BigDecimal.ZERO;
		for (int i = 0; i < 3_000; i++) {
			costs.add(price, BigDecimal.ONE);
			exact = exact.add(price.applied().exactCost(BigDecimal.ONE));
		}

		RunningCosts.Costs cost = costs.finish();

		// 3,000 s at 0.01 a minute is 0.50; each second's quotient cut at 30 decimals
		assertThat(cost.cost()).isEqualTo(Money.round(exact, "USD")).isEqualTo(new BigDecimal("0.50"));
		// no list costs asked
		assertThat(cost.listCost()).isEqualTo(new BigDecimal("0.00"));
	}

	@Test
	void priceWhenBooksChangeThenTheCachedPriceHoldsOnlyWithinItsSpan() {
		LinePricer pricer = new LinePricer(BOOKS);
		String model = "gpt-realtime";
		String metric = "output_audio_tokens";

		LinePrice before = pricer.price("ten_B", model, metric, null, CHANGE_MICROS - 1);
		LinePrice again = pricer.price("ten_B", new String(model), new String(metric), null, CHANGE_MICROS - 2);
		LinePrice after = pricer.price("ten_B", model, metric, null, CHANGE_MICROS);

		assertThat(again).isSameAs(before);
		assertThat(before.unitPrice()).isEqualTo(new BigDecimal("64.0000000000"));
		assertThat(before.exactUnitPrice()).isEqualTo(new BigDecimal("64"));
		assertThat(after.unitPrice()).isEqualTo(new BigDecimal("48.0000000000"));
		assertThat(after.sameAs(before)).isFalse();
		// the tenant's discount: 64 less 12.5 % is 56, the list price stays 64
		LinePrice discounted = pricer.price(TENANT, model, metric, null, CHANGE_MICROS - 1);
		assertThat(discounted.exactCost(new BigDecimal("1000000"), false)).isEqualByComparingTo("56");
		assertThat(discounted.exactCost(new BigDecimal("1000000"), true)).isEqualByComparingTo("64");
		assertThat(pricer.price(TENANT, model, "unpriced_tokens", null, 0).exactCost(BigDecimal.TEN, false))
			.isEqualByComparingTo("0");
	}

	@Test
	void sameAsWhenEqualPricesWithOtherScalesThenOneLine() {
		AppliedPrice a = new AppliedPrice("pb_1", PriceUnit.PER_SECOND, new BigDecimal("0.5"), "USD",
				new BigDecimal("0.5"));
		AppliedPrice b = new AppliedPrice("pb_1", PriceUnit.PER_SECOND, new BigDecimal("0.5000000000"), "USD",
				new BigDecimal("0.50"));

		assertThat(LinePrice.of(a).sameAs(LinePrice.of(b))).isTrue();
		assertThat(LinePrice.of(a).sameAs(LinePrice.of(new AppliedPrice("pb_2", PriceUnit.PER_SECOND,
				new BigDecimal("0.5"), "USD", new BigDecimal("0.5"))))).isFalse();
	}

	@Test
	void ceilMicrosWhenBeyondALongThenClamped() {
		assertThat(LinePricer.ceilMicros(Instant.ofEpochSecond(1, 1))).isEqualTo(1_000_001L);
		assertThat(LinePricer.ceilMicros(Instant.MAX)).isEqualTo(Long.MAX_VALUE);
		assertThat(LinePricer.ceilMicros(Instant.MIN)).isEqualTo(Long.MIN_VALUE);
	}

	private static Price price(String metric, PriceUnit unit, String unitPrice) {
		return new Price("gpt-realtime", metric, unit, new BigDecimal(unitPrice));
	}

	private static PriceBook book(String id, String tenant, Instant from, String discount, Price... prices) {
		return new PriceBook(id, id, "USD", from, tenant, new BigDecimal(discount), List.of(prices), JAN);
	}

}

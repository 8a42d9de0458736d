package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rounding rule, written down once. */
class MoneyTests {

	@Test
	void roundWhenHalfThenToTheEvenCent() {
		assertThat(Money.round(new BigDecimal("0.125"), "USD")).isEqualTo(new BigDecimal("0.12"));
		assertThat(Money.round(new BigDecimal("0.135"), "USD")).isEqualTo(new BigDecimal("0.14"));
		assertThat(Money.round(new BigDecimal("79.012288"), "USD")).isEqualTo(new BigDecimal("79.01"));
		assertThat(Money.round(new BigDecimal("79.5"), "JPY")).isEqualTo(new BigDecimal("80"));
	}

	@Test
	void roundLinesWhenSummedThenEqualsTheRoundedExactTotal() {
		List<BigDecimal> exact = List.of(new BigDecimal("0.004"), new BigDecimal("0.004"), new BigDecimal("0.004"),
				new BigDecimal("10.333333"));

		List<BigDecimal> rounded = Money.roundLines(exact, "USD");

		assertThat(rounded).containsExactly(new BigDecimal("0.00"), new BigDecimal("0.01"), new BigDecimal("0.00"),
				new BigDecimal("10.34"));
		assertThat(rounded.stream().reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualTo(new BigDecimal("10.35"));
	}

	@Test
	void exactCostWhenPerMillionTokensThenNothingIsLost() {
		assertThat(Money.exactCost(new BigDecimal("1"), new BigDecimal("0.4000000000"), PriceUnit.PER_MILLION_TOKENS))
			.isEqualByComparingTo("0.0000004");
		assertThat(Money.discounted(new BigDecimal("0.0000000001"), new BigDecimal("33.3333")))
			.isEqualByComparingTo("0.0000000000666667");
	}

	@Test
	void minutesWhenSecondsDoNotDivideEvenlyThenCutAtTheScaleHalfEven() {
		assertThat(Money.minutes(new BigDecimal("90"), 10)).isEqualTo(new BigDecimal("1.5000000000"));
		// 100 / 60 = 1.666…: the tenth decimal rounds up
		assertThat(Money.minutes(new BigDecimal("100"), 10)).isEqualTo(new BigDecimal("1.6666666667"));
		// 0.00003 / 60 = 0.0000005 exactly: a half at the sixth decimal goes to the even digit
		assertThat(Money.minutes(new BigDecimal("0.00003"), 6)).isEqualTo(new BigDecimal("0.000000"));
		assertThat(Money.minutes(new BigDecimal("0.00009"), 6)).isEqualTo(new BigDecimal("0.000002"));
	}

	@Test
	void exactCostWhenPerMinuteThenTheQuotientKeepsThirtyDecimals() {
		// 908.33 s × 0.015 per minute = 0.2270825 exactly; 1 s × 0.01 per minute = 0.000166… cut at 30
		assertThat(Money.exactCost(new BigDecimal("908.33"), new BigDecimal("0.015"), PriceUnit.PER_MINUTE))
			.isEqualTo(new BigDecimal("0.2270825"));
		assertThat(Money.exactCost(BigDecimal.ONE, new BigDecimal("0.01"), PriceUnit.PER_MINUTE))
			.isEqualTo(new BigDecimal("0.000166666666666666666666666667"));
	}

	@Test
	void pricingQuantityWhenEachUnitThenCountedInThatUnit() {
		assertThat(Money.pricingQuantity(new BigDecimal("1234567.000000"), PriceUnit.PER_MILLION_TOKENS, 10))
			.isEqualTo(new BigDecimal("1.234567"));
		assertThat(Money.pricingQuantity(new BigDecimal("908.330000"), PriceUnit.PER_MINUTE, 10))
			.isEqualTo(new BigDecimal("15.1388333333"));
		assertThat(Money.pricingQuantity(new BigDecimal("12.500000"), PriceUnit.PER_SECOND, 10))
			.isEqualTo(new BigDecimal("12.500000"));
		assertThat(Money.pricingQuantity(new BigDecimal("42"), PriceUnit.PER_CHARACTER, 10))
			.isEqualTo(new BigDecimal("42"));
	}

	@Test
	void totalWhenLinesOrNoneThenTheirSumWithTheCurrencysDecimals() {
		assertThat(Money.total(List.of(new BigDecimal("1.36"), new BigDecimal("79.01"), new BigDecimal("0.23")), "USD"))
			.isEqualTo(new BigDecimal("80.60"));
		assertThat(Money.total(List.of(), "USD")).isEqualTo(new BigDecimal("0.00"));
		assertThat(Money.total(List.of(), "JPY")).isEqualTo(new BigDecimal("0"));
	}

	@Test
	void printedUnitPriceWhenFewerDecimalsThenTenAndValueKept() {
		assertThat(Money.printedUnitPrice(new BigDecimal("64"))).isEqualTo(new BigDecimal("64.0000000000"));
		assertThat(Money.printedUnitPrice(new BigDecimal("0.00000000001"))).isEqualTo(new BigDecimal("0.00000000001"));
		assertThat(Money.printedUnitPrice(null)).isNull();
		assertThat(Money.scaledQuantity(new BigDecimal("1.5")).toPlainString()).isEqualTo("1.500000");
	}

}

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

}

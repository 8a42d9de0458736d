package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The one place where money is scaled and rounded.
 * <ul>
 * <li>Unit prices are kept with {@value #UNIT_PRICE_SCALE} decimals (the column is
 * {@code numeric(20,10)}); quantities with six.</li>
 * <li>The cost of one event is exact: quantity × unit price (÷ 1,000,000 for prices per million
 * tokens) is a {@link BigDecimal} with no rounding at all.</li>
 * <li>Rounding happens once, when exact amounts are summed into a line: to the currency's minor
 * unit (2 decimals for USD and EUR, 0 for JPY) with {@link #ROUNDING} ({@code HALF_EVEN}, banker's
 * rounding).</li>
 * <li>The lines of one report or export are rounded as running totals ({@link #roundLines}), so
 * they always add up to the rounded exact total of everything in them: reports and exports over
 * the same usage agree to the cent, whatever their grouping.</li>
 * </ul>
 */
public final class Money {

	/** Decimals kept for unit prices. */
	public static final int UNIT_PRICE_SCALE = 10;

	/**
	 * Decimals kept of a cost priced per minute. Dividing by 60 has no finite decimal expansion in
	 * general, so that one quotient is cut here, with {@link #ROUNDING}: an error below 10⁻³⁰ per
	 * event, which cannot move a total by a cent (a billion events move it by less than 10⁻²¹).
	 * Every other cost is exact.
	 */
	public static final int PER_MINUTE_COST_SCALE = 30;

	private static final BigDecimal SECONDS_PER_MINUTE = BigDecimal.valueOf(60);

	/** Decimals of a discount in percent (the column is {@code numeric(7,4)}). */
	public static final int DISCOUNT_SCALE = 4;

	/** Decimals kept for quantities (the ledger's {@code numeric(20,6)}). */
	public static final int QUANTITY_SCALE = 6;

	/** The only rounding mode money is ever rounded with. */
	public static final RoundingMode ROUNDING = RoundingMode.HALF_EVEN;

	private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

	private Money() {
	}

	/** Whether {@code code} is an ISO 4217 currency code Java knows. */
	public static boolean isCurrency(String code) {
		try {
			Currency.getInstance(code);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/** Decimals of the currency's minor unit, e.g. 2 for USD. */
	public static int minorUnitScale(String currency) {
		int digits = Currency.getInstance(currency).getDefaultFractionDigits();
		return Math.max(digits, 0);
	}

	/** {@code amount} rounded once, to the minor unit of {@code currency}. */
	public static BigDecimal round(BigDecimal amount, String currency) {
		return amount.setScale(minorUnitScale(currency), ROUNDING);
	}

	/**
	 * The cost of {@code quantity} at {@code unitPrice}: exact, never rounded to money (a price per
	 * minute of a quantity in seconds keeps {@value #PER_MINUTE_COST_SCALE} decimals).
	 */
	public static BigDecimal exactCost(BigDecimal quantity, BigDecimal unitPrice, PriceUnit unit) {
		BigDecimal cost = quantity.multiply(unitPrice);
		if (unit == PriceUnit.PER_MINUTE) {
			return minutes(cost, PER_MINUTE_COST_SCALE).stripTrailingZeros();
		}
		return cost.movePointLeft(unit.decimalShift());
	}

	/**
	 * {@code seconds} (or an amount per second) in minutes, cut to {@code scale} decimals with
	 * {@link #ROUNDING}: a division by 60 rarely ends, so every caller says how far it goes.
	 */
	public static BigDecimal minutes(BigDecimal seconds, int scale) {
		return seconds.divide(SECONDS_PER_MINUTE, scale, ROUNDING);
	}

	/**
	 * {@code quantity} counted in the units {@code unit} prices: millions of tokens exactly (no
	 * trailing zeros), minutes to {@code minuteScale} decimals, anything else as it is.
	 */
	public static BigDecimal pricingQuantity(BigDecimal quantity, PriceUnit unit, int minuteScale) {
		return switch (unit) {
			case PER_MILLION_TOKENS -> quantity.movePointLeft(unit.decimalShift()).stripTrailingZeros();
			case PER_MINUTE -> minutes(quantity, minuteScale);
			case PER_SECOND, PER_CHARACTER -> quantity;
		};
	}

	/**
	 * The total of lines already rounded (see {@link #roundLines}), in {@code currency}: their
	 * plain sum, with the currency's decimals even when there are none (0.00 USD).
	 */
	public static BigDecimal total(Collection<BigDecimal> roundedLines, String currency) {
		BigDecimal total = round(BigDecimal.ZERO, currency);
		for (BigDecimal line : roundedLines) {
			total = total.add(line);
		}
		return total;
	}

	/** {@code quantity} with the ledger's {@value #QUANTITY_SCALE} decimals, as reports print it. */
	public static BigDecimal scaledQuantity(BigDecimal quantity) {
		return quantity.setScale(QUANTITY_SCALE);
	}

	/**
	 * A unit price as reports print it: the same value with at least {@value #UNIT_PRICE_SCALE}
	 * decimals, so prices compare by value and print alike; null stays null (unpriced).
	 */
	public static @Nullable BigDecimal printedUnitPrice(@Nullable BigDecimal price) {
		return (price != null) ? price.setScale(Math.max(price.scale(), UNIT_PRICE_SCALE)) : null;
	}

	/** A unit price of a price book as it is stored and shown: {@value #UNIT_PRICE_SCALE} decimals. */
	public static BigDecimal bookUnitPrice(BigDecimal price) {
		return price.setScale(UNIT_PRICE_SCALE);
	}

	/** A discount in percent as it is stored and shown: {@value #DISCOUNT_SCALE} decimals. */
	public static BigDecimal bookDiscount(BigDecimal discountPercent) {
		return discountPercent.setScale(DISCOUNT_SCALE);
	}

	/** {@code percent} percent of {@code amount}, exactly (a budget's threshold). */
	public static BigDecimal percentOf(BigDecimal amount, int percent) {
		return amount.multiply(BigDecimal.valueOf(percent)).movePointLeft(2);
	}

	/** {@code price} less {@code discountPercent} percent, exactly. */
	public static BigDecimal discounted(BigDecimal price, BigDecimal discountPercent) {
		if (discountPercent.signum() == 0) {
			return price;
		}
		return price.multiply(HUNDRED.subtract(discountPercent)).divide(HUNDRED);
	}

	/**
	 * Rounds the exact amounts of the lines of one report (all in {@code currency}, in the report's
	 * order) so that the rounded lines add up to the rounded exact total: line i gets
	 * round(a₁+…+aᵢ) − round(a₁+…+aᵢ₋₁). Each line stays within one minor unit of its exact amount.
	 * The same rule as {@link RunningRound}, line after line.
	 */
	public static List<BigDecimal> roundLines(List<BigDecimal> exactAmounts, String currency) {
		List<BigDecimal> rounded = new ArrayList<>(exactAmounts.size());
		RunningRound running = new RunningRound(currency);
		for (BigDecimal amount : exactAmounts) {
			rounded.add(running.next(amount));
		}
		return rounded;
	}

	/**
	 * The one rounding of a report's lines, one line at a time (for lines that are written as they
	 * are summed, as exports are): each line is the rounded running total less the rounded running
	 * total before it, so the lines add up to the rounded exact total. Not thread-safe.
	 */
	public static final class RunningRound {

		private final String currency;

		private BigDecimal exact = BigDecimal.ZERO;

		private BigDecimal rounded;

		public RunningRound(String currency) {
			this.currency = currency;
			this.rounded = round(BigDecimal.ZERO, currency);
		}

		/** The next line's rounded amount, given its exact amount. */
		public BigDecimal next(BigDecimal exactAmount) {
			this.exact = this.exact.add(exactAmount);
			BigDecimal roundedNow = round(this.exact, this.currency);
			BigDecimal line = roundedNow.subtract(this.rounded);
			this.rounded = roundedNow;
			return line;
		}

	}

}

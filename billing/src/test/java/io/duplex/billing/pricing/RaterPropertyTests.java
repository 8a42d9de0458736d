package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.duplex.core.usage.UsageEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random usage over random tenants, models and metrics with a price change mid-month: whatever the
 * grouping, the rounded lines add up to the rounded exact sum of quantity × price in force, and
 * each line stays within a cent of its exact amount.
 */
class RaterPropertyTests {

	private static final List<String> METRICS = List.of("input_text_tokens", "output_audio_tokens",
			"cached_input_audio_tokens", "session_seconds");

	private static final Instant MONTH = Instant.parse("2026-11-01T00:00:00Z");

	private static final Instant CHANGE = Instant.parse("2026-11-17T08:30:00.000001Z");

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3, 42, 2026 })
	void linesWhenAnyGroupingThenAddUpToTheRoundedExactTotal(long seed) {
		Random random = new Random(seed);
		List<PriceBook> books = List.of(
				book("pb_1", null, MONTH.minusSeconds(86400), "0", "0.0000000001", "64", "0.4", "0.0021"),
				book("pb_2", null, CHANGE, "0", "3.9999999999", "61.5", "0.39", "0.0019"),
				book("pb_3", "ten_b", CHANGE.plusSeconds(3600), "33.3333"));
		Rater rater = new Rater(new PriceBooks(books));
		List<UsageEvent> events = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			events.add(new UsageEvent("ten_" + "abc".charAt(random.nextInt(3)), "k" + i, "agt_" + random.nextInt(4), 1,
					"sess_" + random.nextInt(50), 1, "m" + random.nextInt(2), null, null,
					METRICS.get(random.nextInt(METRICS.size())),
					new BigDecimal(random.nextInt(1_000_000)).movePointLeft(random.nextInt(7)),
					MONTH.plusSeconds(random.nextInt(30 * 86400)).plusNanos(random.nextInt(1000) * 1000L), Map.of()));
		}
		BigDecimal exact = BigDecimal.ZERO;
		for (UsageEvent event : events) {
			exact = exact.add(byHand(event));
		}
		BigDecimal expected = exact.setScale(2, RoundingMode.HALF_EVEN);

		List<Function<RatedEvent, List<@Nullable String>>> groupings = List.of((r) -> List.of(),
				(r) -> Arrays.asList(r.event().tenantId(), r.event().metric()),
				(r) -> Arrays.asList(r.event().sessionId(), r.event().model(), r.event().metric()),
				(r) -> Arrays.asList(r.event().occurredAt().toString().substring(0, 10), r.event().agentId()));
		for (Function<RatedEvent, List<@Nullable String>> grouping : groupings) {
			List<RatedLine> lines = rater.lines(events, grouping);
			assertThat(lines.stream().map(RatedLine::cost).reduce(BigDecimal.ZERO, BigDecimal::add))
				.isEqualTo(expected);
			assertThat(lines).allSatisfy((line) -> assertThat(line.cost().subtract(line.exactCost()).abs())
				.isLessThanOrEqualTo(new BigDecimal("0.01")));
		}
	}

	/** The price in force, worked out without the rater: list until CHANGE, ten_b's discount an hour later. */
	private static BigDecimal byHand(UsageEvent event) {
		boolean changed = !event.occurredAt().isBefore(CHANGE);
		BigDecimal price = switch (event.metric()) {
			case "input_text_tokens" -> new BigDecimal(changed ? "3.9999999999" : "0.0000000001");
			case "output_audio_tokens" -> new BigDecimal(changed ? "61.5" : "64");
			case "cached_input_audio_tokens" -> new BigDecimal(changed ? "0.39" : "0.4");
			default -> new BigDecimal(changed ? "0.0019" : "0.0021");
		};
		if (event.tenantId().equals("ten_b") && !event.occurredAt().isBefore(CHANGE.plusSeconds(3600))) {
			price = price.multiply(new BigDecimal("0.666667"));
		}
		BigDecimal cost = event.quantity().multiply(price);
		return event.metric().endsWith("_tokens") ? cost.movePointLeft(6) : cost;
	}

	private static PriceBook book(String id, @Nullable String tenant, Instant from, String discount,
			String... prices) {
		List<Price> list = new ArrayList<>();
		for (int i = 0; i < prices.length; i++) {
			for (String model : List.of("m0", "m1")) {
				String metric = METRICS.get(i);
				list.add(new Price(model, metric, PriceUnit.forMetric(metric).orElseThrow(), new BigDecimal(prices[i])));
			}
		}
		return new PriceBook(id, id, "USD", from, tenant, new BigDecimal(discount), list, from);
	}

}

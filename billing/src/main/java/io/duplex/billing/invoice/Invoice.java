package io.duplex.billing.invoice;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An invoice: the usage of one tenant in one calendar month (UTC), in one currency.
 * @param status {@code draft} while its lines may still change, {@code finalized} once stored for good
 * @param total the exact sum of its lines
 * @param lines one per model and metric, ordered by model, then metric
 */
record Invoice(String id, String tenantId, Instant periodStart, Instant periodEnd, String currency, String status,
		BigDecimal total, List<Line> lines, Instant createdAt, @Nullable Instant finalizedAt) {

	static final String DRAFT = "draft";

	static final String FINALIZED = "finalized";

	Invoice {
		lines = List.copyOf(lines);
	}

	/**
	 * One line: the usage of one model and metric, rounded once.
	 * @param quantity in the metric's unit (tokens, seconds, characters)
	 */
	record Line(String model, String metric, BigDecimal quantity, BigDecimal cost) {
	}

}

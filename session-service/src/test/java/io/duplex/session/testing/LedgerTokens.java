package io.duplex.session.testing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.r2dbc.core.DatabaseClient;

/** What the usage ledger holds of a session's tokens, read straight from its table. */
public final class LedgerTokens {

	private LedgerTokens() {
	}

	/** The session's token events summed by the segment they are attributed to. */
	public static Map<Integer, Long> bySegment(DatabaseClient db, String sessionId) {
		return db
			.sql("SELECT segment, sum(quantity) AS tokens FROM billing.usage_event WHERE session_id = :id "
					+ "AND metric LIKE '%\\_tokens' GROUP BY segment")
			.bind("id", sessionId)
			.map((row) -> Map.entry(row.get("segment", Integer.class), row.get("tokens", BigDecimal.class).longValue()))
			.all()
			.collectList()
			.block(Duration.ofSeconds(10))
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
	}

}

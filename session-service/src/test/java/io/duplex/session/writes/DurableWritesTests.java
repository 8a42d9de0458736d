package io.duplex.session.writes;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import io.duplex.core.database.DatabaseUrl;
import io.duplex.session.SessionNode;
import io.duplex.session.SessionTestSupport;
import io.duplex.session.gateway.RealtimeTestClient;
import io.duplex.session.testing.TcpProxy;
import io.duplex.test.TestDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A conversation through a database outage: the node under test reaches PostgreSQL through a
 * proxy that the test cuts off for ten seconds (the shared test database itself keeps running for
 * the other tests), and afterwards every item the client saw and every response's usage is stored,
 * exactly once.
 */
class DurableWritesTests extends SessionTestSupport {

	private static final Duration OUTAGE = Duration.ofSeconds(10);

	@Autowired
	private DatabaseClient db;

	@Test
	void conversationWhenTheDatabaseIsAwayForTenSecondsThenEveryItemAndUsageIsStoredOnce() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		DatabaseUrl database = TestDatabase.get();
		try (TcpProxy proxy = TcpProxy.to(database.port());
				SessionNode node = SessionNode.startOn(
						new DatabaseUrl("127.0.0.1", proxy.port(), database.database(), database.username(),
								database.password(), database.query()).r2dbcUrl(),
						// retries used up within the outage, so writes go to the spool too
						Map.of("duplex.writes.retries", "3", "duplex.writes.first-backoff", "100ms",
								"duplex.writes.max-backoff", "500ms", "duplex.writes.replay-interval", "200ms",
								"spring.r2dbc.pool.max-acquire-time", "2s",
								"spring.r2dbc.pool.max-create-connection-time", "2s"))) {
			MeterRegistry meters = node.bean(MeterRegistry.class);
			Set<String> items = new LinkedHashSet<>();
			List<JsonNode> responses = new ArrayList<>();
			String sessionId;
			try (RealtimeTestClient client = RealtimeTestClient.connect(
					URI.create("ws://127.0.0.1:" + node.port() + "/v1/realtime?model=" + agent), tenant.adminKey())) {
				sessionId = client.await("session.created").path("session").path("id").asString();
				responses.add(say(client, "Before the outage."));

				proxy.block();
				long blockedAt = System.nanoTime();
				responses.add(say(client, "During the outage, first."));
				responses.add(say(client, "During the outage, second."));
				awaitTrue(() -> count(meters, "duplex.writes.spooled") > 0, Duration.ofSeconds(30));
				responses.add(say(client, "During the outage, third."));
				// the outage lasts its ten seconds whatever the conversation took
				awaitTrue(() -> System.nanoTime() - blockedAt >= OUTAGE.toNanos(), OUTAGE.plusSeconds(5));
				proxy.unblock();

				responses.add(say(client, "After the outage."));
				client.received()
					.stream()
					.filter((event) -> "conversation.item.done".equals(event.path("type").asString()))
					.forEach((event) -> items.add(event.path("item").path("id").asString()));
			}
			awaitTrue(() -> "ended".equals(status(sessionId)), Duration.ofSeconds(60));
			awaitTrue(() -> count(meters, "duplex.writes.replayed") > 0
					&& gauge(meters, "duplex.writes.spool.writes") == 0, Duration.ofSeconds(30));

			assertThat(proxy.refused()).isPositive();
			assertThat(count(meters, "duplex.writes.retried")).isPositive();
			assertThat(count(meters, "duplex.writes.spooled")).isPositive();
			assertThat(count(meters, "duplex.writes.lost")).isZero();

			// every item the client saw, once
			assertThat(items).hasSize(10);
			Map<String, Long> stored = itemCounts(sessionId);
			assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(items);
			assertThat(stored.values()).allMatch((count) -> count == 1);

			// every response's usage, once: in the ledger (by idempotency key), in the latency rows
			// and in the session's totals
			long totalTokens = 0;
			for (JsonNode done : responses) {
				String responseId = done.path("response").path("id").asString();
				long tokens = done.path("response").path("usage").path("total_tokens").asLong();
				assertThat(tokens).isPositive();
				totalTokens += tokens;
				Map<String, Object> ledger = ledger(sessionId, responseId);
				assertThat(ledger.get("events")).isEqualTo(ledger.get("keys"));
				assertThat((BigDecimal) ledger.get("tokens")).isEqualByComparingTo(BigDecimal.valueOf(tokens));
			}
			assertThat(this.db.sql("SELECT count(*) AS n FROM realtime.response_latency WHERE session_id = :id")
				.bind("id", sessionId)
				.map((row) -> row.get("n", Long.class))
				.one()
				.block(Duration.ofSeconds(10))).isEqualTo(responses.size());
			Map<String, Object> totals = this.db
				.sql("SELECT responses, input_text_tokens + input_audio_tokens + output_text_tokens "
						+ "+ output_audio_tokens AS tokens FROM realtime.session WHERE id = :id")
				.bind("id", sessionId)
				.fetch()
				.one()
				.block(Duration.ofSeconds(10));
			assertThat(((Number) totals.get("responses")).intValue()).isEqualTo(responses.size());
			assertThat(((Number) totals.get("tokens")).longValue()).isEqualTo(totalTokens);
			// its end, spooled or not, metered its time once
			assertThat(this.db
				.sql("SELECT count(*) AS n FROM billing.usage_event WHERE session_id = :id AND metric = 'session_seconds'")
				.bind("id", sessionId)
				.map((row) -> row.get("n", Long.class))
				.one()
				.block(Duration.ofSeconds(10))).isEqualTo(1);
		}
	}

	/** Sends user text and asks for a response; answers its {@code response.done}. */
	private static JsonNode say(RealtimeTestClient client, String text) {
		int before = client.received().size();
		client.send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
				+ "\"content\":[{\"type\":\"input_text\",\"text\":\"" + text + "\"}]}}");
		client.send("{\"type\":\"response.create\"}");
		return client.await((event) -> "response.done".equals(event.path("type").asString())
				&& client.indexOf(event) >= before, Duration.ofSeconds(30));
	}

	private String status(String sessionId) {
		return this.db.sql("SELECT status FROM realtime.session WHERE id = :id")
			.bind("id", sessionId)
			.map((row) -> row.get("status", String.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

	private Map<String, Long> itemCounts(String sessionId) {
		return this.db.sql("SELECT id, count(*) AS n FROM realtime.conversation_item WHERE session_id = :id GROUP BY id")
			.bind("id", sessionId)
			.map((row) -> Map.entry(row.get("id", String.class), row.get("n", Long.class)))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.block(Duration.ofSeconds(10));
	}

	private Map<String, Object> ledger(String sessionId, String responseId) {
		return this.db
			.sql("SELECT count(*) AS events, count(DISTINCT idempotency_key) AS keys, COALESCE(sum(quantity), 0) "
					+ "AS tokens FROM billing.usage_event WHERE session_id = :id AND idempotency_key LIKE :prefix "
					+ "AND metric LIKE '%\\_tokens'")
			.bind("id", sessionId)
			.bind("prefix", sessionId + ":" + responseId + ":%")
			.fetch()
			.one()
			.block(Duration.ofSeconds(10));
	}

	private static double count(MeterRegistry meters, String name) {
		return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
	}

	private static double gauge(MeterRegistry meters, String name) {
		return meters.get(name).gauge().value();
	}

	/** Polls {@code condition} until it holds; fails when it still does not after {@code timeout}. */
	private static void awaitTrue(BooleanSupplier condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("waited %s for a condition", timeout).isLessThan(deadline);
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

}

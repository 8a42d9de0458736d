package io.duplex.session.writes;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.util.unit.DataSize;

import io.duplex.core.database.DatabaseUrl;
import io.duplex.core.usage.UsageSink;
import io.duplex.session.SessionNode;
import io.duplex.session.SessionTestSupport;
import io.duplex.session.audio.SpeechLikeAudio;
import io.duplex.session.conversation.ConversationStore;
import io.duplex.session.conversation.StoredItem;
import io.duplex.session.gateway.RealtimeTestClient;
import io.duplex.session.lifecycle.Sessions;
import io.duplex.session.testing.TcpProxy;
import io.duplex.test.TestDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A conversation through a database outage: the node under test reaches PostgreSQL through a
 * proxy that the test cuts off for ten seconds (the shared test database itself keeps running for
 * the other tests), and afterwards every item the client saw and every response's usage is stored,
 * exactly once.
 */
class DurableWritesTests extends SessionTestSupport {

	private static final Duration OUTAGE = Duration.ofSeconds(10);

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private DatabaseClient db;

	@Autowired
	private ConversationStore conversations;

	@Autowired
	private Sessions sessions;

	@Autowired
	private UsageSink usage;

	@TempDir
	Path spoolRoot;

	@Test
	void conversationWhenTheDatabaseIsAwayForTenSecondsThenEveryItemAndUsageIsStoredOnce() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		DatabaseUrl database = TestDatabase.get();
		try (TcpProxy proxy = TcpProxy.to(database.port());
				SessionNode node = SessionNode.startOn(
						new DatabaseUrl("127.0.0.1", proxy.port(), database.database(), database.username(),
								database.password(), database.query()).r2dbcUrl(),
						// retries used up within the outage, so writes go to the spool too; only this node's
						// link to the database is cut, and the tests' other nodes, which still see it, would
						// take a lapse of a 10 s lease for this node's death
						Map.of("duplex.sessions.node-lease", "40s", "duplex.writes.retries", "3",
								"duplex.writes.first-backoff", "100ms",
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
				responses.add(speak(client));
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

			// every item the client saw (a user's and an assistant's per response), once
			assertThat(items).hasSize(2 * responses.size());
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

	@Test
	void replayWhenANodeOpensASpoolLeftBehindThenItsWritesAreStoredInOrderOnce() throws IOException {
		TestTenant tenant = newTenant();
		Map<String, Object> session = post(as(tenant.adminKey()), "/v1/sessions", Map.of("agent", newAgent(tenant.adminKey())));
		String sessionId = session.get("id").toString();
		String conversation = session.get("conversation").toString();
		SessionWrite append = new SessionWrite.AppendItem(new StoredItem("item_spooled", conversation, tenant.id(),
				sessionId, "message", "assistant", "completed", json.readTree("{\"type\":\"message\"}"),
				"Hello there, how are you today", 0L, 3000L, null));
		SessionWrite truncate = new SessionWrite.TruncateItem(tenant.id(), sessionId, conversation, "item_spooled", 800,
				"Hello there", json.readTree("{\"type\":\"message\"}"));
		// what a node that stopped while the database was away left behind
		try (WriteSpool left = WriteSpool.open(this.spoolRoot.resolve("0"), 1 << 20, json)) {
			left.append(append);
			left.append(truncate);
		}
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		DurableWrites writes = writes(meters, 1 << 20, Duration.ofMillis(100));
		try {
			awaitTrue(() -> count(meters, "duplex.writes.replayed") == 2, Duration.ofSeconds(30));
			// a repeat (a retry whose answer was lost) changes nothing
			writes.write(append).block(Duration.ofSeconds(30));
		}
		finally {
			writes.destroy();
		}
		Map<String, Object> stored = this.db
			.sql("SELECT count(*) AS n, min(text) AS text, min(truncated_at_ms) AS truncated FROM realtime.conversation_item "
					+ "WHERE tenant_id = :tenant AND conversation_id = :conversation")
			.bind("tenant", tenant.id())
			.bind("conversation", conversation)
			.fetch()
			.one()
			.block(Duration.ofSeconds(10));
		// the truncation came after the append, as it was made
		assertThat(stored).containsEntry("n", 1L).containsEntry("text", "Hello there").containsEntry("truncated", 800L);
		assertThat(count(meters, "duplex.writes.lost")).isZero();
	}

	@Test
	void writeWhenTheSpoolIsFullThenTheWriteIsCountedLost() throws IOException {
		SessionWrite first = new SessionWrite.DeleteItem("ten_full", "sess_full", "conv_full", "item_1");
		try (WriteSpool left = WriteSpool.open(this.spoolRoot.resolve("0"), 1 << 20, json)) {
			left.append(first);
		}
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		// room for the one write it holds, not for another; the session's next write must queue behind it
		// (and no replay moves it out of the way first)
		DurableWrites writes = writes(meters, json.writeValueAsString(first).length() + 1, Duration.ofHours(1));
		try {
			writes.write(new SessionWrite.DeleteItem("ten_full", "sess_full", "conv_full", "item_2"))
				.block(Duration.ofSeconds(30));
		}
		finally {
			writes.destroy();
		}
		assertThat(meters.get("duplex.writes.lost").tag("reason", "spool_full").counter().count()).isEqualTo(1);
	}

	@Test
	void writeWhenTheDatabaseRefusesItForGoodThenLostWithoutRetries() throws IOException {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		DurableWrites writes = writes(meters, 1 << 20, Duration.ofMillis(100));
		try {
			// an item of a conversation no tenant has: no retry can store it
			writes.write(new SessionWrite.AppendItem(new StoredItem("item_1", "conv_none", "ten_none", "sess_none",
					"message", "user", "completed", json.readTree("{}"), "hi", null, null, null)))
				.block(Duration.ofSeconds(30));
		}
		finally {
			writes.destroy();
		}
		assertThat(meters.get("duplex.writes.lost").tag("reason", "rejected").counter().count()).isEqualTo(1);
		assertThat(count(meters, "duplex.writes.retried")).isZero();
		assertThat(count(meters, "duplex.writes.spooled")).isZero();
	}

	@Test
	void writeWhenNoSpoolCanBeOpenedThenTheNodeRunsAndWritesStillReachTheDatabase() throws IOException {
		TestTenant tenant = newTenant();
		Map<String, Object> session = post(as(tenant.adminKey()), "/v1/sessions", Map.of("agent", newAgent(tenant.adminKey())));
		String conversation = session.get("conversation").toString();
		// a file where the spool directory should be: it cannot be created
		Path blocked = Files.writeString(this.spoolRoot.resolve("not-a-directory"), "");
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		DurableWrites writes = writes(meters, blocked.toString(), 1 << 20, Duration.ofMillis(100));
		try {
			writes.write(new SessionWrite.AppendItem(new StoredItem("item_nospool", conversation, tenant.id(),
					session.get("id").toString(), "message", "user", "completed", json.readTree("{}"), "hi", null, null,
					null)))
				.block(Duration.ofSeconds(30));
		}
		finally {
			writes.destroy();
		}
		assertThat(this.db.sql("SELECT count(*) AS n FROM realtime.conversation_item WHERE tenant_id = :tenant "
				+ "AND id = 'item_nospool'")
			.bind("tenant", tenant.id())
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(Duration.ofSeconds(10))).isEqualTo(1);
		assertThat(meters.find("duplex.writes.spool.writes").gauge()).isNull();
	}

	/** A writer over this context's stores, spooling under {@link #spoolRoot}. */
	private DurableWrites writes(MeterRegistry meters, long spoolMaxBytes, Duration replayInterval) {
		return writes(meters, this.spoolRoot.toString(), spoolMaxBytes, replayInterval);
	}

	private DurableWrites writes(MeterRegistry meters, String spoolDir, long spoolMaxBytes, Duration replayInterval) {
		return new DurableWrites(this.conversations, this.sessions, this.usage,
				new WriteProperties(3, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(10), spoolDir,
						DataSize.ofBytes(spoolMaxBytes), replayInterval),
				meters, new StandardEnvironment());
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

	/** Speaks a turn (server VAD commits it and starts the response); answers its {@code response.done}. */
	private static JsonNode speak(RealtimeTestClient client) {
		int before = client.received().size();
		client.streamPcm(new SpeechLikeAudio(7).silence(500).speech(1500).silence(900).samples());
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

package io.duplex.session.gateway;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.r2dbc.core.DatabaseClient;

import io.duplex.session.CrashableNode;
import io.duplex.session.SessionNode;
import io.duplex.session.SessionTestSupport;
import io.duplex.session.engine.EngineServices;
import io.duplex.session.gateway.RealtimeRolloverTests.Upstream;
import io.duplex.session.gateway.RealtimeRolloverTests.UpstreamLog;
import io.duplex.session.provider.ContextItem;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nodes may die: a node killed without any shutdown (SIGKILL of its JVM) stops renewing its lease,
 * and another node adopts its sessions: a client resumes there with its conversation, and a session
 * nobody resumes ends as {@code node_lost}, metered up to the dead node's last heartbeat. A node
 * that finds its own lease lost stops its sessions without writing over what others made of them.
 */
@Import(RealtimeRolloverTests.Watching.class)
class NodeCrashTests extends SessionTestSupport {

	/** Generous: a child JVM boots the whole platform on a shared two-core machine. */
	private static final Duration STARTUP = Duration.ofMinutes(3);

	/** Lease lapse plus a sweep, with room for a loaded machine. */
	private static final Duration ADOPTION = Duration.ofSeconds(45);

	@Autowired
	private UpstreamLog upstreams;

	@Autowired
	private DatabaseClient db;

	@Test
	void nodeKilledThenItsSessionsAreResumedElsewhereOrEndAsNodeLostMeteredToItsLastHeartbeat() throws Exception {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String resumed;
		String token;
		String userItem;
		String abandoned;
		String lostNode;
		Instant heartbeatBeforeKill;
		Instant killedAt;
		try (CrashableNode node = CrashableNode.start(
				Map.of("duplex.sessions.node-heartbeat", "500ms", "duplex.sessions.node-lease", "5s"), STARTUP)) {
			lostNode = node.nodeId();
			RealtimeTestClient first = connect(node.port(), tenant, agent);
			RealtimeTestClient second = connect(node.port(), tenant, agent);
			resumed = first.await("session.created").path("session").path("id").asString();
			token = first.await("duplex.session.resumable").path("resume_token").asString();
			abandoned = second.await("session.created").path("session").path("id").asString();
			userItem = say(first, "Remember the word lighthouse.");
			say(second, "Nobody will come back for me.");
			// the crash loses what was not yet written: wait until the items are stored
			awaitTranscript(tenant, resumed, 2);
			awaitTranscript(tenant, abandoned, 2);
			assertThat(session(tenant, resumed)).containsEntry("status", "active");
			heartbeatBeforeKill = heartbeat(lostNode);

			node.kill();
			killedAt = databaseNow();
			// the socket is gone with the process: no close frame came
			assertThat(first.awaitClose(Duration.ofSeconds(10))).isNotEqualTo(1000);
			first.close();
			second.close();
		}

		// (a) adopted, resumable with the token the client had; resumed on this node with its conversation
		Map<String, Object> detached = awaitSession(tenant, resumed, (body) -> "detached".equals(body.get("status")));
		// for the grace the dead node promised its clients (60 s), counted from the adoption
		assertThat(Instant.parse((String) detached.get("resumable_until"))).isAfter(killedAt.plusSeconds(60));
		try (RealtimeTestClient client = RealtimeTestClient.resume(resumeUri(this.port, resumed, token))) {
			assertThat(client.await("session.created").path("session").path("id").asString()).isEqualTo(resumed);
			client.await("duplex.session.resumable");
			client.send("{\"type\":\"conversation.item.retrieve\",\"item_id\":\"" + userItem + "\"}");
			assertThat(client.await("conversation.item.retrieved").path("item").path("content").path(0).path("text")
				.asString()).isEqualTo("Remember the word lighthouse.");
			say(client, "Which word was it?");
			assertThat(client.types()).doesNotContain("error");
			assertThat(session(tenant, resumed)).containsEntry("status", "active");
		}
		// the upstream opened here was given the conversation from before the crash
		List<Upstream> opened = this.upstreams.ofSession(resumed);
		assertThat(opened).hasSize(1);
		assertThat(opened.get(0).context).extracting(ContextItem::text).startsWith("Remember the word lighthouse.");
		Map<String, Object> resumedEnd = awaitSession(tenant, resumed, (body) -> "ended".equals(body.get("status")));
		assertThat(resumedEnd.get("end_reason")).isEqualTo("client_closed");
		assertThat(field(resumedEnd.get("segments"), "reason")).containsExactly("initial", "resume");

		// (b) nobody resumes the other: adopted, then ended as node_lost once its grace is over
		Map<String, Object> waiting = awaitSession(tenant, abandoned, (body) -> !"active".equals(body.get("status")));
		assertThat(waiting.get("status")).isEqualTo("detached");
		// the segment it ran on ended at the dead node's last heartbeat, not later
		Instant lastHeartbeat = Instant.parse((String) ((Map<?, ?>) ((List<?>) waiting.get("segments")).get(0))
			.get("ended_at"));
		assertThat(lastHeartbeat).isBetween(heartbeatBeforeKill, killedAt);
		// its grace is cut short here rather than waited out
		this.db.sql("UPDATE realtime.session SET resumable_until = now() WHERE id = :id AND status = 'detached'")
			.bind("id", abandoned)
			.then()
			.block(Duration.ofSeconds(10));
		Map<String, Object> ended = awaitSession(tenant, abandoned, (body) -> "ended".equals(body.get("status")));
		assertThat(ended.get("end_reason")).isEqualTo("node_lost");
		Instant started = Instant.parse((String) ended.get("started_at"));
		BigDecimal duration = new BigDecimal(ended.get("duration_seconds").toString());
		// connected up to the last heartbeat: never the time after the crash, nor the grace
		assertThat(duration).isCloseTo(seconds(Duration.between(started, lastHeartbeat)),
				org.assertj.core.data.Offset.offset(new BigDecimal("0.002")));
		assertThat(duration).isLessThanOrEqualTo(seconds(Duration.between(started, killedAt)));
		assertThat(metered(abandoned, "session_seconds")).isEqualByComparingTo(duration);
		assertThat(metered(abandoned, "compute_seconds")).isEqualByComparingTo(duration);
		// the dead node's lease went with the adoption
		assertThat(leases(lostNode)).isZero();
	}

	@Test
	void ownLeaseAdoptedThenTheNodeStopsItsSessionsWithoutOverwritingAndTakesANewLease() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		try (SessionNode node = SessionNode.start(
				Map.of("duplex.sessions.node-heartbeat", "500ms", "duplex.sessions.node-lease", "5s"))) {
			String nodeId = node.bean(EngineServices.class).nodeId();
			String sessionId;
			String token;
			String userItem;
			Instant adoptedAt;
			try (RealtimeTestClient client = connect(node.port(), tenant, agent)) {
				sessionId = client.await("session.created").path("session").path("id").asString();
				token = client.await("duplex.session.resumable").path("resume_token").asString();
				userItem = say(client, "Said before the pause.");
				// as another node's adoption leaves things when this one paused past its lease: the
				// session detached in its name, the lease gone
				adoptedAt = this.db.sql("""
						UPDATE realtime.session SET status = 'detached', node_id = NULL, lost_node_id = node_id,
						    detached_at = now(), resumable_until = now() + interval '5 minutes'
						WHERE id = :id AND status = 'active' RETURNING detached_at""")
					.bind("id", sessionId)
					.map((row) -> row.get("detached_at", Instant.class))
					.one()
					.block(Duration.ofSeconds(10));
				this.db.sql("DELETE FROM realtime.node_lease WHERE node_id = :node")
					.bind("node", nodeId)
					.then()
					.block(Duration.ofSeconds(10));
				// the node finds its lease gone and stops the session, telling its client to resume
				JsonNode error = client.await((event) -> "error".equals(event.path("type").asString()),
						Duration.ofSeconds(30))
					.path("error");
				assertThat(error.path("code").asString()).isEqualTo("server_shutdown");
				assertThat(client.awaitClose(Duration.ofSeconds(30))).isEqualTo(1012);
			}
			// its own final write changed nothing of what the adoption made
			Map<String, Object> row = this.db
				.sql("SELECT status, lost_node_id, detached_at, end_reason FROM realtime.session WHERE id = :id")
				.bind("id", sessionId)
				.fetch()
				.one()
				.block(Duration.ofSeconds(10));
			assertThat(row).containsEntry("status", "detached")
				.containsEntry("lost_node_id", nodeId)
				.containsEntry("end_reason", null);
			assertThat(((java.time.OffsetDateTime) row.get("detached_at")).toInstant()).isEqualTo(adoptedAt);
			try (RealtimeTestClient client = RealtimeTestClient.resume(resumeUri(this.port, sessionId, token))) {
				assertThat(client.await("session.created").path("session").path("id").asString()).isEqualTo(sessionId);
				client.send("{\"type\":\"conversation.item.retrieve\",\"item_id\":\"" + userItem + "\"}");
				assertThat(client.await("conversation.item.retrieved").path("item").path("id").asString())
					.isEqualTo(userItem);
			}
			// it takes a new lease, and sockets again
			await(() -> liveLeases(nodeId), (rows) -> rows == 1);
			await(() -> RealtimeAuthTests.handshakeStatus(socket(node.port(), "model=" + agent), tenant.adminKey()),
					(status) -> status == 101);
		}
	}

	private static RealtimeTestClient connect(int port, TestTenant tenant, String agent) {
		return RealtimeTestClient.connect(socket(port, "model=" + agent), tenant.adminKey());
	}

	/** Sends user text and asks for a response, waits for it; returns the user item's id. */
	private static String say(RealtimeTestClient client, String text) {
		int before = client.received().size();
		client.send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
				+ "\"content\":[{\"type\":\"input_text\",\"text\":\"" + text + "\"}]}}");
		JsonNode added = client.await((event) -> "conversation.item.added".equals(event.path("type").asString())
				&& client.indexOf(event) >= before, Duration.ofSeconds(30));
		client.send("{\"type\":\"response.create\"}");
		client.await((event) -> "response.done".equals(event.path("type").asString()) && client.indexOf(event) > before,
				Duration.ofSeconds(30));
		return added.path("item").path("id").asString();
	}

	private void awaitTranscript(TestTenant tenant, String sessionId, int items) {
		await(() -> get(as(tenant.adminKey()), "/v1/sessions/" + sessionId + "/transcript"),
				(body) -> ((List<?>) body.get("items")).size() == items);
	}

	private Map<String, Object> session(TestTenant tenant, String sessionId) {
		return get(as(tenant.adminKey()), "/v1/sessions/" + sessionId);
	}

	private Map<String, Object> awaitSession(TestTenant tenant, String sessionId, Predicate<Map<String, Object>> done) {
		return await(() -> session(tenant, sessionId), done);
	}

	/** Reads until {@code done} holds, for up to {@link #ADOPTION}; answers the last read. */
	private static <T> T await(Supplier<T> read, Predicate<T> done) {
		long deadline = System.nanoTime() + ADOPTION.toNanos();
		T last = read.get();
		while (!done.test(last)) {
			assertThat(System.nanoTime() - deadline).as("still waiting; last read: %s", last).isNegative();
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			last = read.get();
		}
		return last;
	}

	private Instant heartbeat(String nodeId) {
		return this.db.sql("SELECT heartbeat_at FROM realtime.node_lease WHERE node_id = :node")
			.bind("node", nodeId)
			.map((row) -> row.get("heartbeat_at", Instant.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

	/** The node's lease rows, lapsed or not. */
	private long leases(String nodeId) {
		return count("SELECT count(*) AS n FROM realtime.node_lease WHERE node_id = :node", nodeId);
	}

	/** The node's lease rows that have not lapsed. */
	private long liveLeases(String nodeId) {
		return count("SELECT count(*) AS n FROM realtime.node_lease WHERE node_id = :node AND expires_at > now()", nodeId);
	}

	private long count(String sql, String nodeId) {
		return this.db.sql(sql)
			.bind("node", nodeId)
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

	private Instant databaseNow() {
		return this.db.sql("SELECT now() AS now")
			.map((row) -> row.get("now", Instant.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

	private BigDecimal metered(String sessionId, String metric) {
		return this.db.sql("SELECT quantity FROM billing.usage_event WHERE session_id = :id AND metric = :metric")
			.bind("id", sessionId)
			.bind("metric", metric)
			.map((row) -> row.get("quantity", BigDecimal.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

	private static BigDecimal seconds(Duration duration) {
		return BigDecimal.valueOf(duration.toMillis(), 3);
	}

	private static List<Object> field(Object array, String name) {
		return ((List<?>) array).stream().map((element) -> ((Map<?, ?>) element).get(name)).map(Object.class::cast).toList();
	}

	private static URI socket(int port, String query) {
		return URI.create("ws://127.0.0.1:" + port + "/v1/realtime?" + query);
	}

	private static URI resumeUri(int port, String sessionId, String token) {
		return socket(port, "session=" + sessionId + "&resume_token=" + token);
	}

}

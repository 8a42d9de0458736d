package io.duplex.session.gateway;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.r2dbc.core.DatabaseClient;

import io.duplex.session.SessionNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.duplex.session.SessionTestSupport;
import io.duplex.session.gateway.RealtimeRolloverTests.Upstream;
import io.duplex.session.gateway.RealtimeRolloverTests.UpstreamLog;
import io.duplex.session.provider.ContextItem;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resume: a session whose socket dropped, or whose server stopped, continues on a new socket with
 * its resume token, on the same node, on another node of the same database, or after a restart;
 * and only with that token, only within the grace period.
 */
@Import(RealtimeRolloverTests.Watching.class)
class RealtimeResumeTests extends SessionTestSupport {

	@Autowired
	private UpstreamLog upstreams;

	@Autowired
	private DatabaseClient db;

	@Autowired
	private MeterRegistry meters;

	@Test
	void droppedSocketWhenResumedWithItsTokenThenTheConversationContinues() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String sessionId;
		String token;
		String userItem;
		double lostBefore = count("duplex.sessions.detached", "reason", "client_lost");
		double resumedBefore = count("duplex.sessions.resumes", "outcome", "resumed");
		try (RealtimeTestClient first = connect(this.port, tenant, agent)) {
			JsonNode created = first.await("session.created");
			sessionId = created.path("session").path("id").asString();
			JsonNode resumable = first.await("duplex.session.resumable");
			// right after session.created, so a client has its token before anything can go wrong
			assertThat(first.indexOf(resumable)).isEqualTo(first.indexOf(created) + 1);
			token = resumable.path("resume_token").asString();
			assertThat(token).startsWith("rt_").hasSize(51);
			assertThat(resumable.path("grace_seconds").asInt()).isEqualTo(60);
			userItem = say(first, "Remember the number forty-two.");
			first.drop();
		}
		Map<String, Object> detached = awaitStatus(tenant, sessionId, "detached");
		assertThat(detached.get("status")).isEqualTo("detached");
		assertThat(Instant.parse((String) detached.get("resumable_until"))).isAfter(Instant.now().plusSeconds(50));
		assertThat(((Map<?, ?>) ((List<?>) detached.get("segments")).get(0)).get("ended_at")).isNotNull();

		String newToken;
		try (RealtimeTestClient second = RealtimeTestClient.resume(resumeUri(this.port, sessionId, token))) {
			assertThat(second.await("session.created").path("session").path("id").asString()).isEqualTo(sessionId);
			newToken = second.await("duplex.session.resumable").path("resume_token").asString();
			assertThat(newToken).startsWith("rt_").isNotEqualTo(token);
			// the item from before the drop is in the conversation the new socket runs
			second.send("{\"type\":\"conversation.item.retrieve\",\"item_id\":\"" + userItem + "\"}");
			JsonNode retrieved = second.await("conversation.item.retrieved");
			assertThat(retrieved.path("item").path("content").path(0).path("text").asString())
				.isEqualTo("Remember the number forty-two.");
			say(second, "Which number was it?");
			assertThat(session(tenant, sessionId).get("status")).isEqualTo("active");
			assertThat(second.schemaViolations()).isEmpty();
			assertThat(second.types()).doesNotContain("error");
		}
		// at least this session: one left by an earlier test may still be counting
		assertThat(count("duplex.sessions.detached", "reason", "client_lost")).isGreaterThanOrEqualTo(lostBefore + 1);
		assertThat(count("duplex.sessions.resumes", "outcome", "resumed")).isGreaterThanOrEqualTo(resumedBefore + 1);
		// a token resumes once: the one used, and the new one after a clean close, are spent
		assertThat(RealtimeAuthTests.handshakeStatus(resumeUri(this.port, sessionId, token), null)).isEqualTo(401);
		Map<String, Object> ended = awaitStatus(tenant, sessionId, "ended");
		assertThat(ended.get("end_reason")).isEqualTo("client_closed");
		assertThat(RealtimeAuthTests.handshakeStatus(resumeUri(this.port, sessionId, newToken), null)).isEqualTo(401);
		List<?> segments = (List<?>) ended.get("segments");
		assertThat(field(segments, "reason"))
			.containsExactly("initial", "resume");

		// the new upstream was given the conversation so far
		List<Upstream> opened = this.upstreams.ofSession(sessionId);
		assertThat(opened).hasSize(2);
		assertThat(opened.get(0).context).isEmpty();
		assertThat(opened.get(1).context).extracting(ContextItem::text)
			.containsExactly("Remember the number forty-two.", "Remember the number forty-two.");
		Map<String, Object> transcript = RealtimeVoiceTests.await(
				() -> get(as(tenant.adminKey()), "/v1/sessions/" + sessionId + "/transcript"),
				(body) -> ((List<?>) body.get("items")).size() == 4);
		assertThat(field(transcript.get("items"), "text"))
			.containsExactly("Remember the number forty-two.", "Remember the number forty-two.",
					"Which number was it?", "Which number was it?");
	}

	@Test
	void sessionUpdateWhenResumedThenTheClientsConfigurationIsRestored() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Opened opened;
		try (RealtimeTestClient first = connect(this.port, tenant, agent)) {
			opened = Opened.of(first);
			first.send("""
					{"type": "session.update", "session": {"type": "realtime", "output_modalities": ["text"],
					 "audio": {"input": {"turn_detection": {"type": "server_vad", "silence_duration_ms": 900}}}}}""");
			first.await("session.updated");
			first.drop();
		}
		awaitStatus(tenant, opened.sessionId(), "detached");
		try (RealtimeTestClient second = RealtimeTestClient.resume(opened.resumeUri(this.port))) {
			JsonNode session = second.await("session.created").path("session");
			assertThat(session.path("audio").path("input").path("turn_detection").path("silence_duration_ms").asInt())
				.isEqualTo(900);
			assertThat(session.path("output_modalities").path(0).asString()).isEqualTo("text");
			say(second, "Text only, please.");
			assertThat(second.types()).doesNotContain("response.output_audio.delta");
		}
	}

	@Test
	void cleanCloseThenTheSessionEndsAndCannotBeResumed() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Opened opened;
		try (RealtimeTestClient client = connect(this.port, tenant, agent)) {
			opened = Opened.of(client);
		}
		Map<String, Object> ended = awaitStatus(tenant, opened.sessionId(), "ended");
		assertThat(ended.get("end_reason")).isEqualTo("client_closed");
		assertThat(RealtimeAuthTests.handshakeStatus(opened.resumeUri(this.port), null)).isEqualTo(401);
	}

	@Test
	void resumeWhileTheOldSocketStillLooksOpenThenTheOldSocketIsClosedAndTheNewOneRuns() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		try (RealtimeTestClient first = connect(this.port, tenant, agent)) {
			Opened opened = Opened.of(first);
			String sessionId = opened.sessionId();
			String token = opened.token();
			String userItem = say(first, "Half-open connections happen.");
			try (RealtimeTestClient second = RealtimeTestClient.resume(resumeUri(this.port, sessionId, token))) {
				second.await("session.created");
				assertThat(first.await("error").path("error").path("code").asString())
					.isEqualTo("session_resumed_elsewhere");
				assertThat(first.awaitClose(Duration.ofSeconds(5))).isEqualTo(1008);
				second.send("{\"type\":\"conversation.item.retrieve\",\"item_id\":\"" + userItem + "\"}");
				assertThat(second.await("conversation.item.retrieved").path("item").path("id").asString())
					.isEqualTo(userItem);
			}
		}
	}

	@Test
	void badResumeRequestsThenProblemsAndNothingChanges() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		try (RealtimeTestClient client = connect(this.port, tenant, agent)) {
			Opened opened = Opened.of(client);
			String sessionId = opened.sessionId();
			String token = opened.token();
			String wrong = "rt_" + "a".repeat(48);
			assertThat(RealtimeAuthTests.handshakeStatus(resumeUri(this.port, sessionId, wrong), null)).isEqualTo(401);
			assertThat(RealtimeAuthTests.handshakeStatus(resumeUri(this.port, sessionId, "nonsense"), null))
				.isEqualTo(401);
			// a good token for another session id
			assertThat(RealtimeAuthTests.handshakeStatus(resumeUri(this.port, "sess_other", token), null))
				.isEqualTo(401);
			assertThat(RealtimeAuthTests.handshakeStatus(
					URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?resume_token=" + token), null))
				.isEqualTo(422);
			// the session ran on throughout
			say(client, "Still here.");
			assertThat(session(tenant, sessionId).get("status")).isEqualTo("active");
		}
	}

	@Test
	void droppedSocketWhenResumedOnAnotherNodeThenItContinuesThereAndOnlyConnectedTimeIsMetered() throws Exception {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Opened opened;
		String userItem;
		try (RealtimeTestClient first = connect(this.port, tenant, agent)) {
			opened = Opened.of(first);
			userItem = say(first, "Before the move.");
			first.drop();
		}
		awaitStatus(tenant, opened.sessionId(), "detached");
		long detachedFrom = System.nanoTime();
		try (SessionNode other = SessionNode.start(Map.of())) {
			// detached for a second at least, however fast the other node started: the time that
			// metering must leave out
			long detachedMs = (System.nanoTime() - detachedFrom) / 1_000_000;
			Thread.sleep(Math.max(0, 1_000 - detachedMs));
			try (RealtimeTestClient second = RealtimeTestClient.resume(opened.resumeUri(other.port()))) {
				assertThat(second.await("session.created").path("session").path("id").asString()).isEqualTo(opened.sessionId());
				second.send("{\"type\":\"conversation.item.retrieve\",\"item_id\":\"" + userItem + "\"}");
				assertThat(second.await("conversation.item.retrieved").path("item").path("content").path(0)
					.path("text").asString()).isEqualTo("Before the move.");
				say(second, "After the move.");
			}
			Map<String, Object> ended = awaitStatus(tenant, opened.sessionId(), "ended");
			assertThat(ended.get("end_reason")).isEqualTo("client_closed");
			long wallMs = Duration.between(Instant.parse((String) ended.get("started_at")),
					Instant.parse((String) ended.get("ended_at"))).toMillis();
			BigDecimal connected = new BigDecimal(ended.get("duration_seconds").toString());
			// the time it waited detached is not part of its duration, nor of what is metered
			assertThat(connected.movePointRight(3).longValue()).isLessThan(wallMs - 500);
			BigDecimal metered = this.db
				.sql("SELECT quantity FROM billing.usage_event WHERE session_id = :id AND metric = 'session_seconds'")
				.bind("id", opened.sessionId())
				.map((row) -> row.get("quantity", BigDecimal.class))
				.one()
				.block(Duration.ofSeconds(10));
			assertThat(metered).isEqualByComparingTo(connected);
		}
	}

	@Test
	void serverStopsThenClientsAreToldAndResumeAfterTheRestart() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Opened opened;
		String userItem;
		SessionNode node = SessionNode.start(Map.of());
		try (RealtimeTestClient client = connect(node.port(), tenant, agent)) {
			opened = Opened.of(client);
			userItem = say(client, "Said before the restart.");
			node.close();
			JsonNode error = client.await("error").path("error");
			assertThat(error.path("code").asString()).isEqualTo("server_shutdown");
			assertThat(error.path("message").asString()).contains("resume token");
			assertThat(client.awaitClose(Duration.ofSeconds(10))).isEqualTo(1012);
		}
		Map<String, Object> detached = session(tenant, opened.sessionId());
		assertThat(detached.get("status")).isEqualTo("detached");

		try (SessionNode restarted = SessionNode.start(Map.of());
				RealtimeTestClient client = RealtimeTestClient.resume(opened.resumeUri(restarted.port()))) {
			assertThat(client.await("session.created").path("session").path("id").asString()).isEqualTo(opened.sessionId());
			client.await("duplex.session.resumable");
			client.send("{\"type\":\"conversation.item.retrieve\",\"item_id\":\"" + userItem + "\"}");
			assertThat(client.await("conversation.item.retrieved").path("item").path("content").path(0).path("text")
				.asString()).isEqualTo("Said before the restart.");
			say(client, "Said after the restart.");
			assertThat(client.schemaViolations()).isEmpty();
		}
		Map<String, Object> ended = awaitStatus(tenant, opened.sessionId(), "ended");
		assertThat(field(ended.get("segments"), "reason"))
			.containsExactly("initial", "resume");
		Map<String, Object> transcript = get(as(tenant.adminKey()), "/v1/sessions/" + opened.sessionId() + "/transcript");
		assertThat(field(transcript.get("items"), "text"))
			.containsExactly("Said before the restart.", "Said before the restart.", "Said after the restart.",
					"Said after the restart.");
	}

	@Test
	void clientNeverComesBackThenTheSessionEndsAtTheEndOfItsGrace() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		try (SessionNode node = SessionNode.start(
				Map.of("duplex.sessions.resume-grace", "2s", "duplex.sessions.resume-sweep-interval", "200ms"))) {
			String sessionId;
			String token;
			try (RealtimeTestClient client = connect(node.port(), tenant, agent)) {
				sessionId = client.await("session.created").path("session").path("id").asString();
				JsonNode resumable = client.await("duplex.session.resumable");
				assertThat(resumable.path("grace_seconds").asInt()).isEqualTo(2);
				token = resumable.path("resume_token").asString();
				client.drop();
			}
			Map<String, Object> ended = awaitStatus(tenant, sessionId, "ended");
			assertThat(ended.get("end_reason")).isEqualTo("client_disconnected");
			// it ends when its grace ends: two seconds after it was detached (when its segment ended)
			Instant detachedAt = Instant.parse((String) ((Map<?, ?>) ((List<?>) ended.get("segments")).get(0)).get("ended_at"));
			assertThat(Duration.between(detachedAt, Instant.parse((String) ended.get("ended_at"))))
				.isEqualTo(Duration.ofSeconds(2));
			assertThat(RealtimeAuthTests.handshakeStatus(resumeUri(node.port(), sessionId, token), null))
				.isEqualTo(401);
			BigDecimal metered = this.db
				.sql("SELECT quantity FROM billing.usage_event WHERE session_id = :id AND metric = 'session_seconds'")
				.bind("id", sessionId)
				.map((row) -> row.get("quantity", BigDecimal.class))
				.one()
				.block(Duration.ofSeconds(10));
			assertThat(metered).isEqualByComparingTo(new BigDecimal(ended.get("duration_seconds").toString()));
			assertThat(metered).isLessThan(new BigDecimal("2"));
		}
	}

	/** A first socket to a new session of {@code agent}. */
	private static RealtimeTestClient connect(int port, TestTenant tenant, String agent) {
		return RealtimeTestClient.connect(socket(port, "model=" + agent), tenant.adminKey());
	}

	/** A socket's session and resume token, from its first two events. */
	private record Opened(String sessionId, String token) {

		static Opened of(RealtimeTestClient client) {
			return new Opened(client.await("session.created").path("session").path("id").asString(),
					client.await("duplex.session.resumable").path("resume_token").asString());
		}

		/** Where a new socket resumes the session with its token, on the node at {@code port}. */
		URI resumeUri(int port) {
			return RealtimeResumeTests.resumeUri(port, this.sessionId, this.token);
		}

	}

	/** Sends user text and asks for a response, waits for it; returns the user item's id. */
	private static String say(RealtimeTestClient client, String text) {
		int before = client.received().size();
		client.send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
				+ "\"content\":[{\"type\":\"input_text\",\"text\":\"" + text + "\"}]}}");
		JsonNode added = client.await((event) -> "conversation.item.added".equals(event.path("type").asString())
				&& client.indexOf(event) >= before, Duration.ofSeconds(10));
		client.send("{\"type\":\"response.create\"}");
		client.await((event) -> "response.done".equals(event.path("type").asString()) && client.indexOf(event) > before,
				Duration.ofSeconds(10));
		return added.path("item").path("id").asString();
	}

	private double count(String name, String tag, String value) {
		Counter counter = this.meters.find(name).tag(tag, value).counter();
		return (counter != null) ? counter.count() : 0;
	}

	/** The member {@code name} of each object of a JSON array. */
	private static List<Object> field(Object array, String name) {
		return ((List<?>) array).stream().map((element) -> ((Map<?, ?>) element).get(name)).map(Object.class::cast).toList();
	}

	private Map<String, Object> session(TestTenant tenant, String sessionId) {
		return get(as(tenant.adminKey()), "/v1/sessions/" + sessionId);
	}

	/** The session resource once its status is {@code status} (waiting up to ten seconds). */
	private Map<String, Object> awaitStatus(TestTenant tenant, String sessionId, String status) {
		return RealtimeVoiceTests.await(() -> session(tenant, sessionId), (body) -> status.equals(body.get("status")));
	}

	private static URI socket(int port, String query) {
		return URI.create("ws://127.0.0.1:" + port + "/v1/realtime?" + query);
	}

	private static URI resumeUri(int port, String sessionId, String token) {
		return socket(port, "session=" + sessionId + "&resume_token=" + token);
	}

}

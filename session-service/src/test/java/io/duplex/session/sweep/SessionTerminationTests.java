package io.duplex.session.sweep;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.core.session.SessionTerminations;
import io.duplex.session.SessionNode;
import io.duplex.session.gateway.RealtimeTestClient;
import io.duplex.session.lifecycle.LiveSessions;
import io.duplex.session.rest.SessionApiTestSupport;
import io.duplex.test.TestKeys;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions follow their tenant: suspending it, revoking the key a session was started with, or
 * deleting its agent ends its live sessions within 2 s of the REST call's answer, on the node that
 * served the call and on another node (a second node on the same database): an {@code error} event
 * with the reason as its code, a 1008 close, the session recorded ended with that reason and its
 * time metered up to the end. Sessions not connected end at once, and their secrets open nothing.
 */
class SessionTerminationTests extends SessionApiTestSupport {

	/** The acceptance bound, from the REST answer to the close at the client. */
	private static final Duration BOUND = Duration.ofSeconds(2);

	private static SessionNode other;

	/** A node without the session role: it serves the control plane's REST calls and runs no sessions. */
	private static SessionNode apiOnly;

	@Autowired
	private DatabaseClient db;

	@Autowired
	private LiveSessions live;

	// both live as long as the class: closing one node while the other runs breaks the other's
	// sockets (the nodes of one JVM share Reactor Netty's global resources)
	@BeforeAll
	static void startOtherNodes() {
		other = SessionNode.start(Map.of());
		apiOnly = SessionNode.start(Map.of("duplex.roles", "api"));
	}

	@AfterAll
	static void stopOtherNodes() {
		apiOnly.close();
		other.close();
	}

	@Test
	void suspendWhenSessionIsLiveOnThisNodeThenItEndsWithinTwoSecondsAsTenantSuspended() {
		suspendEnds(this.port);
	}

	@Test
	void suspendWhenSessionIsLiveOnAnotherNodeThenItEndsWithinTwoSecondsAsTenantSuspended() {
		suspendEnds(other.port());
	}

	@Test
	void revokeWhenKeyOpenedALiveSessionOnThisNodeThenItEndsWithinTwoSecondsAsCredentialRevoked() {
		revokeEnds(this.port);
	}

	@Test
	void revokeWhenKeyOpenedALiveSessionOnAnotherNodeThenItEndsWithinTwoSecondsAsCredentialRevoked() {
		revokeEnds(other.port());
	}

	@Test
	void deleteAgentWhenItsSessionIsLiveOnThisNodeThenItEndsWithinTwoSecondsAsAgentDeleted() {
		deleteAgentEnds(this.port);
	}

	@Test
	void deleteAgentWhenItsSessionIsLiveOnAnotherNodeThenItEndsWithinTwoSecondsAsAgentDeleted() {
		deleteAgentEnds(other.port());
	}

	@Test
	void suspendWhenServedByANodeWithoutTheSessionRoleThenTheNodeRunningTheSessionEndsIt() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket(this.port, "agent=" + agent),
				tenant.adminKey())) {
			// the port is there whatever the roles; the node runs no sessions of its own
			assertThat(apiOnly.bean(SessionTerminations.class)).isNotNull();
			String sessionId = client.await("session.created").path("session").path("id").asString();
			WebTestClient.bindToServer()
				.baseUrl("http://127.0.0.1:" + apiOnly.port())
				.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.PLATFORM_ADMIN)
				.build()
				.post()
				.uri("/v1/tenants/{id}/suspend", tenant.id())
				.exchange()
				.expectStatus()
				.isOk();
			long answered = System.nanoTime();
			assertEndedWithinBound(client, answered, sessionId, "tenant_suspended");
		}
	}

	@Test
	void revokeWhenKeyMintedAClientSecretThenTheSecretOpensNothingAndItsSessionEnds() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Key revoked = newKeyWithId(tenant.id(), "developer");
		Key kept = newKeyWithId(tenant.id(), "developer");
		Map<String, Object> minted = createSession(revoked.secret(), agent);
		Map<String, Object> openAi = mintOpenAiSecret(revoked.secret(), agent);
		Map<String, Object> control = createSession(kept.secret(), agent);

		revoke(tenant, revoked);

		// ended at once, in the answer's transaction: no socket runs them
		for (String id : List.of(minted.get("id").toString(), object(openAi.get("session")).get("id").toString())) {
			assertThat(record(id)).containsEntry("status", "ended").containsEntry("end_reason", "credential_revoked");
		}
		assertThat(handshakeStatus(this.port, minted.get("id").toString(), secretOf(minted))).isEqualTo(401);
		assertThat(handshakeStatus(this.port, object(openAi.get("session")).get("id").toString(),
				openAi.get("value").toString()))
			.isEqualTo(401);
		// another key's secret of the same tenant and agent still opens its session
		assertThat(record(control.get("id").toString())).containsEntry("status", "created");
		assertThat(handshakeStatus(this.port, control.get("id").toString(), secretOf(control))).isEqualTo(101);
	}

	@Test
	void revokeWhenKeyOpenedASessionCreatedByAnotherKeyThenItEnds() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Key opener = newKeyWithId(tenant.id(), "developer");
		Map<String, Object> created = createSession(tenant.adminKey(), agent);
		String sessionId = created.get("id").toString();
		// a server attaches to the session with its own key, using the secret up
		try (RealtimeTestClient client = RealtimeTestClient.connect(
				URI.create("ws://127.0.0.1:" + other.port() + "/v1/realtime?session=" + sessionId), opener.secret())) {
			client.await("session.created");
			long answered = revoke(tenant, opener);
			assertEndedWithinBound(client, answered, sessionId, "credential_revoked");
		}
	}

	@Test
	void suspendWhenSessionIsDetachedThenItEndsAndCannotBeResumed() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String sessionId;
		String token;
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket(this.port, "agent=" + agent),
				tenant.adminKey())) {
			sessionId = client.await("session.created").path("session").path("id").asString();
			token = client.await("duplex.session.resumable").path("resume_token").asString();
			client.drop();
		}
		awaitRecord(sessionId, (row) -> "detached".equals(row.get("status")));

		suspend(tenant);

		Map<String, Object> ended = awaitRecord(sessionId, (row) -> "ended".equals(row.get("status")));
		assertThat(ended).containsEntry("end_reason", "tenant_suspended");
		assertThat(meteredSeconds(sessionId)).isEqualByComparingTo(connectedSeconds(sessionId));
		assertThat(handshakeStatus(socket(this.port, "session=" + sessionId + "&resume_token=" + token), null))
			.isEqualTo(401);
	}

	@Test
	void suspendWhenSessionIsActiveHereButNoSocketRunsItThenItIsEndedInTheRecord() {
		TestTenant tenant = newTenant();
		String sessionId = createSession(tenant.adminKey(), newAgent(tenant.adminKey())).get("id").toString();
		// its socket gone without its end recorded (e.g. the database failed as it closed)
		this.sessions.markActive(tenant.id(), sessionId, this.live.nodeId()).block(Duration.ofSeconds(10));

		suspend(tenant);

		Map<String, Object> ended = awaitRecord(sessionId, (row) -> "ended".equals(row.get("status")));
		assertThat(ended).containsEntry("end_reason", "tenant_suspended");
		assertThat(meteredSeconds(sessionId)).isEqualByComparingTo(connectedSeconds(sessionId));
	}

	@Test
	void suspendWhenAnotherTenantHasLiveSessionsThenTheirsRunOn() {
		TestTenant suspended = newTenant();
		TestTenant bystander = newTenant();
		try (RealtimeTestClient ending = RealtimeTestClient.connect(
				socket(this.port, "agent=" + newAgent(suspended.adminKey())), suspended.adminKey());
				RealtimeTestClient running = RealtimeTestClient.connect(
						socket(this.port, "agent=" + newAgent(bystander.adminKey())), bystander.adminKey())) {
			ending.await("session.created");
			String sessionId = running.await("session.created").path("session").path("id").asString();
			suspend(suspended);
			// once the node has ended the suspended tenant's session, the other one still answers
			assertThat(ending.awaitClose(Duration.ofSeconds(10))).isEqualTo(1008);
			running.send("{\"type\":\"input_audio_buffer.clear\"}");
			running.await("input_audio_buffer.cleared");
			assertThat(running.isClosed()).isFalse();
			assertThat(record(sessionId)).containsEntry("status", "active").containsEntry("end_reason", null);
		}
	}

	private void suspendEnds(int port) {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket(port, "agent=" + agent), tenant.adminKey())) {
			String sessionId = client.await("session.created").path("session").path("id").asString();
			long answered = suspend(tenant);
			assertEndedWithinBound(client, answered, sessionId, "tenant_suspended");
		}
	}

	private void revokeEnds(int port) {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Key developer = newKeyWithId(tenant.id(), "developer");
		Key bystander = newKeyWithId(tenant.id(), "developer");
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket(port, "agent=" + agent), developer.secret());
				RealtimeTestClient untouched = RealtimeTestClient.connect(socket(port, "agent=" + agent),
						bystander.secret())) {
			String sessionId = client.await("session.created").path("session").path("id").asString();
			String untouchedId = untouched.await("session.created").path("session").path("id").asString();
			long answered = revoke(tenant, developer);
			assertEndedWithinBound(client, answered, sessionId, "credential_revoked");
			// the tenant's other key's session runs on
			assertThat(untouched.isClosed()).isFalse();
			assertThat(record(untouchedId)).containsEntry("status", "active");
		}
	}

	private void deleteAgentEnds(int port) {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String otherAgent = newAgent(tenant.adminKey());
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket(port, "agent=" + agent), tenant.adminKey());
				RealtimeTestClient untouched = RealtimeTestClient.connect(socket(port, "agent=" + otherAgent),
						tenant.adminKey())) {
			String sessionId = client.await("session.created").path("session").path("id").asString();
			String untouchedId = untouched.await("session.created").path("session").path("id").asString();
			as(tenant.adminKey()).delete().uri("/v1/agents/{id}", agent).exchange().expectStatus().is2xxSuccessful();
			long answered = System.nanoTime();
			assertEndedWithinBound(client, answered, sessionId, "agent_deleted");
			assertThat(untouched.isClosed()).isFalse();
			assertThat(record(untouchedId)).containsEntry("status", "active");
		}
	}

	/**
	 * The client got an {@code error} with {@code code}, then a 1008 close, less than
	 * {@link #BOUND} after {@code answeredNanos}; the session is recorded ended with {@code code}
	 * and its connected time metered.
	 */
	private void assertEndedWithinBound(RealtimeTestClient client, long answeredNanos, String sessionId, String code) {
		assertThat(client.awaitClose(Duration.ofSeconds(10))).isEqualTo(1008);
		Duration took = Duration.ofNanos(client.closedAtNanos() - answeredNanos);
		assertThat(took).as("from the REST answer to the close").isLessThan(BOUND);
		JsonNode error = client.await((event) -> "error".equals(event.path("type").asString()), Duration.ofSeconds(1));
		assertThat(error.path("error").path("code").asString()).isEqualTo(code);
		assertThat(error.path("error").path("message").asString()).isNotBlank();
		assertThat(client.schemaViolations()).isEmpty();
		Map<String, Object> ended = record(sessionId);
		assertThat(ended).containsEntry("status", "ended").containsEntry("end_reason", code);
		BigDecimal connected = connectedSeconds(sessionId);
		assertThat(connected).isPositive();
		assertThat(meteredSeconds(sessionId)).isEqualByComparingTo(connected);
	}

	/** {@code POST /v1/realtime/client_secrets} as OpenAI's SDKs call it; answers 200. */
	@SuppressWarnings("unchecked")
	private Map<String, Object> mintOpenAiSecret(String key, String agent) {
		return as(key).post()
			.uri("/v1/realtime/client_secrets")
			.bodyValue(Map.of("session", Map.of("type", "realtime", "model", agent)))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	private long suspend(TestTenant tenant) {
		asPlatformAdmin().post().uri("/v1/tenants/{id}/suspend", tenant.id()).exchange().expectStatus().isOk();
		return System.nanoTime();
	}

	private long revoke(TestTenant tenant, Key key) {
		as(tenant.adminKey()).delete()
			.uri("/v1/tenants/{tenant}/api_keys/{key}", tenant.id(), key.id())
			.exchange()
			.expectStatus()
			.isOk();
		return System.nanoTime();
	}

	private record Key(String id, String secret) {
	}

	private Key newKeyWithId(String tenantId, String role) {
		Map<String, Object> key = post(asPlatformAdmin(), "/v1/tenants/" + tenantId + "/api_keys",
				Map.of("name", role + " key", "role", role));
		return new Key(key.get("id").toString(), key.get("secret").toString());
	}

	/** The session's row as stored: read from the database, as a suspended tenant's keys read nothing. */
	private Map<String, Object> record(String sessionId) {
		return this.db.sql("SELECT status, end_reason, started_at, ended_at FROM realtime.session WHERE id = :id")
			.bind("id", sessionId)
			.fetch()
			.one()
			.block(Duration.ofSeconds(10));
	}

	private Map<String, Object> awaitRecord(String sessionId, java.util.function.Predicate<Map<String, Object>> done) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		Map<String, Object> row = record(sessionId);
		while (!done.test(row) && System.nanoTime() < deadline) {
			pause();
			row = record(sessionId);
		}
		assertThat(done.test(row)).as("session %s reached the awaited state: %s", sessionId, row).isTrue();
		return row;
	}

	private static void pause() {
		try {
			Thread.sleep(50);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Seconds the session was connected, as recorded: from its start to its end, less its detached time. */
	private BigDecimal connectedSeconds(String sessionId) {
		return this.db.sql("SELECT (floor(extract(epoch FROM ended_at - started_at) * 1000)::bigint - detached_ms) AS ms "
				+ "FROM realtime.session WHERE id = :id")
			.bind("id", sessionId)
			.map((row) -> BigDecimal.valueOf(row.get("ms", Long.class), 3))
			.one()
			.block(Duration.ofSeconds(10));
	}

	/** The session's metered seconds, once written: metering follows the end's record, so it is awaited. */
	private BigDecimal meteredSeconds(String sessionId) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		BigDecimal metered = sessionSeconds(sessionId);
		while (metered == null && System.nanoTime() < deadline) {
			pause();
			metered = sessionSeconds(sessionId);
		}
		assertThat(metered).as("session_seconds of %s", sessionId).isNotNull();
		return metered;
	}

	private @Nullable BigDecimal sessionSeconds(String sessionId) {
		return this.db
			.sql("SELECT quantity FROM billing.usage_event WHERE session_id = :id AND metric = 'session_seconds'")
			.bind("id", sessionId)
			.map((row) -> row.get("quantity", BigDecimal.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

	private static URI socket(int port, String query) {
		return URI.create("ws://127.0.0.1:" + port + "/v1/realtime?" + query);
	}

	/** The status a browser's handshake with the secret gets: 101 when it opens (then closed again). */
	private static int handshakeStatus(int port, String sessionId, String secret) {
		WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
			.subprotocols("realtime", "openai-insecure-api-key." + secret);
		return handshake(builder, socket(port, "session=" + sessionId));
	}

	private static int handshakeStatus(URI uri, String bearer) {
		WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
		if (bearer != null) {
			builder.header("Authorization", "Bearer " + bearer);
		}
		return handshake(builder, uri);
	}

	private static int handshake(WebSocket.Builder builder, URI uri) {
		try {
			WebSocket socket = builder.buildAsync(uri, new WebSocket.Listener() {
			}).join();
			socket.abort();
			return 101;
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof WebSocketHandshakeException refused) {
				return refused.getResponse().statusCode();
			}
			throw ex;
		}
	}

}

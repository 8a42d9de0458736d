package io.duplex.session.admission;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import io.duplex.session.gateway.RealtimeTestClient;
import io.duplex.session.rest.SessionApiTestSupport;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The connect timeout (5 s here, against client secrets that live 10 minutes): a session not
 * connected in time frees its pool slot, ends as {@code never_connected} unmetered, and its secret
 * opens nothing, whether an admission, a read or the periodic sweep finds it first.
 */
@TestPropertySource(properties = { "duplex.sessions.connect-timeout=5s", "duplex.sessions.connect-sweep-interval=1s" })
class ConnectTimeoutTests extends SessionApiTestSupport {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	/**
	 * How much later than the timeout the blocked create may succeed: it polls every 200 ms, and one
	 * create on a loaded machine takes a while.
	 */
	private static final Duration MARGIN = Duration.ofSeconds(4);

	@Autowired
	private DatabaseClient db;

	@Test
	void createWhenAPoolOfTwoIsHeldByUnconnectedSessionsThenAThirdIsAdmittedOnceTheirTimeoutPasses() {
		TestPlacement placement = newPlacement(2);
		TestTenant holder = newTenant(100);
		TestTenant newcomer = newTenant(100);
		String holdersAgent = newAgent(holder.adminKey(), placement.agentFields());
		String agent = newAgent(newcomer.adminKey(), placement.agentFields());
		Map<String, Object> first = createSession(holder.adminKey(), holdersAgent);
		Map<String, Object> second = createSession(holder.adminKey(), holdersAgent);

		createSessionExpecting(newcomer.adminKey(), Map.of("agent", agent), 429).jsonPath("$.type")
			.isEqualTo(PROBLEMS + "compute-pool-full");
		long refused = System.nanoTime();
		Map<String, Object> third = createWhenAdmitted(newcomer.adminKey(), agent, TIMEOUT.plus(MARGIN).plusSeconds(10));
		Duration blocked = Duration.ofNanos(System.nanoTime() - refused);
		Instant admitted = databaseNow();

		// by the database's clock: admitted once the timeout of both had passed (not by a created_at,
		// which is the start of the admitting transaction, maybe before the slot's release it waited
		// for), and soon after it
		Instant secondCreated = Instant.parse(second.get("created_at").toString());
		assertThat(third).containsKey("id");
		assertThat(admitted).isAfterOrEqualTo(secondCreated.plus(TIMEOUT));
		assertThat(blocked).isLessThanOrEqualTo(TIMEOUT.plus(MARGIN));
		for (Map<String, Object> created : List.of(first, second)) {
			assertNeverConnected(holder.adminKey(), created);
		}
	}

	@Test
	void sessionNotConnectedInTimeIsEndedByTheSweepWithoutAnyAdmissionOrRead() {
		TestTenant tenant = newTenant();
		Map<String, Object> created = createSession(tenant.adminKey(), newAgent(tenant.adminKey()));
		String id = created.get("id").toString();
		long deadline = System.nanoTime() + TIMEOUT.plusSeconds(20).toNanos();
		// read straight from the table: reading through the API would end it itself
		while (!"ended".equals(statusInTable(id))) {
			if (System.nanoTime() > deadline) {
				fail("the sweep did not end session " + id + " within " + TIMEOUT.plusSeconds(20));
			}
			pause();
		}
		assertNeverConnected(tenant.adminKey(), created);
	}

	@Test
	void clientSecretAfterTheConnectTimeoutOpensNothingThoughItHasNotExpired() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Map<String, Object> created = createSession(tenant.adminKey(), agent);
		Instant expiresAt = Instant.parse(object(created.get("client_secret")).get("expires_at").toString());
		awaitDatabaseTimePast(Instant.parse(created.get("created_at").toString()).plus(TIMEOUT));
		assertThat(expiresAt).isAfter(Instant.now());
		// no sweep or read ran for certain: the secret store itself refuses the late secret
		this.sessions.redeemClientSecret(secretOf(created), null).as(StepVerifier::create).verifyComplete();
		URI socket = URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?session=" + created.get("id"));
		assertThat(handshakeStatus(socket, secretOf(created))).isEqualTo(401);
		assertNeverConnected(tenant.adminKey(), created);
	}

	@Test
	void sessionConnectedInTimeIsNotEndedByTheTimeout() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Map<String, Object> created = createSession(tenant.adminKey(), agent);
		String id = created.get("id").toString();
		URI socket = URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?session=" + id);
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket, secretOf(created))) {
			client.await("session.created");
			awaitDatabaseTimePast(Instant.parse(created.get("created_at").toString()).plus(TIMEOUT).plusSeconds(2));
			assertThat(session(tenant.adminKey(), id)).containsEntry("status", "active");
		}
	}

	/** Ended as never connected at its connect deadline, never started, and with no usage metered. */
	private void assertNeverConnected(String key, Map<String, Object> created) {
		Map<String, Object> ended = session(key, created.get("id").toString());
		assertThat(ended).containsEntry("status", "ended")
			.containsEntry("end_reason", "never_connected")
			.containsEntry("started_at", null)
			.containsEntry("duration_seconds", null);
		assertThat(Duration.between(Instant.parse(ended.get("created_at").toString()),
				Instant.parse(ended.get("ended_at").toString())))
			.isEqualTo(TIMEOUT);
		Object cost = ended.get("cost");
		if (cost != null) {
			assertThat((List<?>) object(cost).get("items")).as("usage of a session that never connected").isEmpty();
		}
	}

	/** Retries the create, which must answer 429 until it answers 201, within {@code limit}. */
	@SuppressWarnings("unchecked")
	private Map<String, Object> createWhenAdmitted(String key, String agent, Duration limit) {
		long deadline = System.nanoTime() + limit.toNanos();
		while (System.nanoTime() < deadline) {
			EntityExchangeResult<Map> answer = as(key).post()
				.uri("/v1/sessions")
				.bodyValue(Map.of("agent", agent))
				.exchange()
				.expectBody(Map.class)
				.returnResult();
			if (answer.getStatus().value() == 201) {
				return answer.getResponseBody();
			}
			assertThat(answer.getStatus().value()).as("a refused create").isEqualTo(429);
			pause();
		}
		return fail("still refused after " + limit);
	}

	private String statusInTable(String id) {
		return this.db.sql("SELECT status FROM realtime.session WHERE id = :id")
			.bind("id", id)
			.map((row) -> row.get("status", String.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

	private Instant databaseNow() {
		return this.db.sql("SELECT clock_timestamp() AS now")
			.map((row) -> row.get("now", java.time.OffsetDateTime.class).toInstant())
			.one()
			.block(Duration.ofSeconds(10));
	}

	private void awaitDatabaseTimePast(Instant instant) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!Boolean.TRUE.equals(this.db.sql("SELECT now() > :instant AS past")
			.bind("instant", instant)
			.map((row) -> row.get("past", Boolean.class))
			.one()
			.block(Duration.ofSeconds(10)))) {
			if (System.nanoTime() > deadline) {
				fail("the database's clock did not pass " + instant);
			}
			pause();
		}
	}

	/** The HTTP status a handshake with {@code credential} as its bearer token is refused with, or 101. */
	private static int handshakeStatus(URI uri, String credential) {
		WebSocket.Builder builder = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(5))
			.header("Authorization", "Bearer " + credential);
		try {
			builder.buildAsync(uri, new WebSocket.Listener() {
			}).join().abort();
			return 101;
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof WebSocketHandshakeException refused) {
				return refused.getResponse().statusCode();
			}
			throw ex;
		}
	}

	private static void pause() {
		try {
			Thread.sleep(200);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}

package io.duplex.session.sweep;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import io.duplex.session.engine.EngineServices;
import io.duplex.session.lifecycle.SessionGrant;
import io.duplex.session.rest.SessionApiTestSupport;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adopting the sessions of a node whose lease lapsed: resumable ones wait detached for their
 * client, the others end as {@code node_lost} at once, each metered up to the node's last
 * heartbeat; several nodes sweeping at once adopt each session once; a live node's sessions are
 * left alone; and the dead node's own late writes change nothing.
 */
class NodeAdoptionTests extends SessionApiTestSupport {

	@Autowired
	private LapsedNodeSweeper adoption;

	@Autowired
	private DetachedSessionSweeper expiry;

	@Autowired
	private DatabaseClient db;

	@Autowired
	private EngineServices services;

	@Test
	void sweepWhenLeaseLapsedThenSessionsAdoptedOnceAndMeteredToTheLastHeartbeat() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String dead = "node_dead_" + UUID.randomUUID();
		String alive = "node_alive_" + UUID.randomUUID();
		String resumable = createSession(tenant.adminKey(), agent).get("id").toString();
		String tokenless = createSession(tenant.adminKey(), agent).get("id").toString();
		String elsewhere = createSession(tenant.adminKey(), agent).get("id").toString();
		String token = this.sessions.markActive(tenant.id(), resumable, dead)
			.then(this.sessions.markActive(tenant.id(), tokenless, dead))
			.then(this.sessions.markActive(tenant.id(), elsewhere, alive))
			.then(this.sessions.armResume(tenant.id(), elsewhere, alive))
			.then(this.sessions.armResume(tenant.id(), resumable, dead))
			.block(Duration.ofSeconds(10));
		// as if they had started ten seconds ago, so their node's last heartbeat can lie in the past
		this.db.sql("UPDATE realtime.session SET started_at = started_at - interval '10 seconds' WHERE id IN (:ids)")
			.bind("ids", List.of(resumable, tokenless))
			.then()
			.block(Duration.ofSeconds(10));
		Instant resumableStart = startedAt(tenant, resumable);
		Instant tokenlessStart = startedAt(tenant, tokenless);
		// the dead node's last heartbeat, 1.5 s after the later start: what each is metered up to
		Instant lastHeartbeat = (resumableStart.isAfter(tokenlessStart) ? resumableStart : tokenlessStart)
			.plusMillis(1500);
		// lapsed: a lease of a millisecond, so any node that holds its own lease may take it for dead
		lease(dead, lastHeartbeat, ":heartbeat + interval '1 millisecond'");
		lease(alive, null, "now() + interval '1 hour'");

		// four sweeps at once (and any other node's): each session adopted once
		Long adopted = Flux.range(0, 4)
			.flatMap((sweep) -> this.adoption.sweep().subscribeOn(Schedulers.boundedElastic()))
			.reduce(0L, Long::sum)
			.block(Duration.ofSeconds(30));
		assertThat(adopted).isLessThanOrEqualTo(2);
		assertThat(leases(dead)).isZero();
		assertThat(leases(alive)).isOne();
		assertThat(session(tenant.adminKey(), elsewhere)).containsEntry("status", "active");

		// without a resume token: ended at once, at the last heartbeat
		Map<String, Object> ended = session(tenant.adminKey(), tokenless);
		assertThat(ended).containsEntry("status", "ended").containsEntry("end_reason", "node_lost");
		assertThat(Instant.parse((String) ended.get("ended_at"))).isEqualTo(lastHeartbeat);
		BigDecimal tokenlessSeconds = seconds(Duration.between(tokenlessStart, lastHeartbeat));
		assertThat(new BigDecimal(ended.get("duration_seconds").toString())).isEqualByComparingTo(tokenlessSeconds);
		assertThat(metered(tokenless, "session_seconds")).containsExactly(tokenlessSeconds);
		assertThat(metered(tokenless, "compute_seconds")).containsExactly(tokenlessSeconds);

		// with one: detached, resumable with the token its client has, for the grace its node promised
		Map<String, Object> detached = session(tenant.adminKey(), resumable);
		assertThat(detached).containsEntry("status", "detached").containsEntry("end_reason", null);
		assertThat(Instant.parse((String) detached.get("resumable_until"))).isAfter(Instant.now().plusSeconds(50));
		assertThat(this.sessions.resumable(resumable, token).map(SessionGrant::sessionId).block(Duration.ofSeconds(10)))
			.isEqualTo(resumable);

		// the dead node, should it still run, changes nothing with its late writes
		this.sessions.markEndedOn(tenant.id(), resumable, dead, "client_closed")
			.then(this.sessions.markEndedOn(tenant.id(), tokenless, dead, "client_closed"))
			.as(StepVerifier::create)
			.verifyComplete();
		StepVerifier.create(this.sessions.markDetached(tenant.id(), resumable, dead, Duration.ofMinutes(1)))
			.expectNext(false)
			.verifyComplete();
		StepVerifier.create(this.sessions.armResume(tenant.id(), resumable, dead)).verifyComplete();
		assertThat(session(tenant.adminKey(), resumable)).containsEntry("status", "detached");
		assertThat(session(tenant.adminKey(), tokenless)).containsEntry("end_reason", "node_lost");

		// its grace runs out (moved to now rather than waited for): node_lost, metered to the heartbeat
		this.db.sql("UPDATE realtime.session SET resumable_until = now() WHERE id = :id AND status = 'detached'")
			.bind("id", resumable)
			.then()
			.block(Duration.ofSeconds(10));
		this.expiry.sweep().block(Duration.ofSeconds(10));
		Map<String, Object> lost = session(tenant.adminKey(), resumable);
		assertThat(lost).containsEntry("status", "ended").containsEntry("end_reason", "node_lost");
		BigDecimal resumableSeconds = new BigDecimal(lost.get("duration_seconds").toString()).stripTrailingZeros();
		// the detached time is kept in whole milliseconds, rounded: a millisecond either way
		assertThat(resumableSeconds).isCloseTo(seconds(Duration.between(resumableStart, lastHeartbeat)),
				org.assertj.core.data.Offset.offset(new BigDecimal("0.001")));
		assertThat(metered(resumable, "session_seconds")).containsExactly(resumableSeconds);

		// sweeping again finds nothing of it
		this.adoption.sweep().block(Duration.ofSeconds(10));
		assertThat(session(tenant.adminKey(), elsewhere)).containsEntry("status", "active");
		this.sessions.markEnded(tenant.id(), elsewhere, "client_closed").block(Duration.ofSeconds(10));
		this.db.sql("DELETE FROM realtime.node_lease WHERE node_id = :node").bind("node", alive).then()
			.block(Duration.ofSeconds(10));
	}

	@Test
	void sweepWhenNoNodeWasUpForTheDeadNodesLeaseLengthThenNothingIsAdopted() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String node = "node_" + UUID.randomUUID();
		String id = createSession(tenant.adminKey(), agent).get("id").toString();
		this.sessions.markActive(tenant.id(), id, node).block(Duration.ofSeconds(10));
		// an hour's lease that lapsed an hour ago: no node has renewed its own for an hour since,
		// so none saw the database up long enough to tell a dead node from an outage
		this.db.sql("INSERT INTO realtime.node_lease (node_id, heartbeat_at, expires_at, resume_grace_ms) "
				+ "VALUES (:node, now() - interval '2 hours', now() - interval '1 hour', 60000)")
			.bind("node", node)
			.then()
			.block(Duration.ofSeconds(10));
		this.adoption.sweep().block(Duration.ofSeconds(10));
		assertThat(session(tenant.adminKey(), id)).containsEntry("status", "active");
		assertThat(leases(node)).isOne();
		this.db.sql("DELETE FROM realtime.node_lease WHERE node_id = :node").bind("node", node).then()
			.block(Duration.ofSeconds(10));
		this.sessions.markEnded(tenant.id(), id, "client_closed").block(Duration.ofSeconds(10));
	}

	@Test
	void sweepWhenSessionsOfThisNodeRunNowhereThenTheyAreReleased() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String node = this.services.nodeId();
		// as a failed write leaves them: their engine ended, their record still says active here
		String resumable = createSession(tenant.adminKey(), agent).get("id").toString();
		String tokenless = createSession(tenant.adminKey(), agent).get("id").toString();
		this.sessions.markActive(tenant.id(), resumable, node)
			.then(this.sessions.markActive(tenant.id(), tokenless, node))
			.then(this.sessions.armResume(tenant.id(), resumable, node))
			.block(Duration.ofSeconds(10));
		// the first sweep that finds them orphaned only notes them; the next releases them
		this.adoption.sweep().then(this.adoption.sweep()).block(Duration.ofSeconds(10));
		assertThat(session(tenant.adminKey(), resumable)).containsEntry("status", "detached");
		Map<String, Object> ended = session(tenant.adminKey(), tokenless);
		assertThat(ended).containsEntry("status", "ended").containsEntry("end_reason", "internal_error");
		assertThat(metered(tokenless, "session_seconds"))
			.containsExactly(new BigDecimal(ended.get("duration_seconds").toString()).stripTrailingZeros());
		this.sessions.markEnded(tenant.id(), resumable, "client_closed").block(Duration.ofSeconds(10));
	}

	@Test
	void sweepWhenADetachedSessionWasNotAdoptedThenItStillEndsAsClientDisconnected() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String node = "node_" + UUID.randomUUID();
		String id = createSession(tenant.adminKey(), agent).get("id").toString();
		this.sessions.markActive(tenant.id(), id, node)
			.then(this.sessions.armResume(tenant.id(), id, node))
			.then(this.sessions.markDetached(tenant.id(), id, node, Duration.ZERO))
			.block(Duration.ofSeconds(10));
		this.expiry.sweep().block(Duration.ofSeconds(10));
		assertThat(session(tenant.adminKey(), id)).containsEntry("status", "ended")
			.containsEntry("end_reason", "client_disconnected");
	}

	private Instant startedAt(TestTenant tenant, String sessionId) {
		return Instant.parse((String) session(tenant.adminKey(), sessionId).get("started_at"));
	}

	/** A lease row of {@code nodeId}: its last heartbeat (now when null) and its expiry, as SQL. */
	private void lease(String nodeId, Instant heartbeat, String expiresAt) {
		DatabaseClient.GenericExecuteSpec insert = this.db
			.sql("INSERT INTO realtime.node_lease (node_id, heartbeat_at, expires_at, resume_grace_ms) VALUES (:node, "
					+ ((heartbeat != null) ? ":heartbeat" : "now()") + ", " + expiresAt + ", 60000)")
			.bind("node", nodeId);
		insert = (heartbeat != null) ? insert.bind("heartbeat", heartbeat) : insert;
		insert.then().block(Duration.ofSeconds(10));
	}

	private long leases(String nodeId) {
		return this.db.sql("SELECT count(*) AS n FROM realtime.node_lease WHERE node_id = :node")
			.bind("node", nodeId)
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

	/** The quantities metered for the session under {@code metric}: one, when metered once. */
	private List<BigDecimal> metered(String sessionId, String metric) {
		return this.db.sql("SELECT quantity FROM billing.usage_event WHERE session_id = :id AND metric = :metric")
			.bind("id", sessionId)
			.bind("metric", metric)
			.map((row) -> row.get("quantity", BigDecimal.class).stripTrailingZeros())
			.all()
			.collectList()
			.block(Duration.ofSeconds(10));
	}

	private static BigDecimal seconds(Duration duration) {
		return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros();
	}

}

package io.duplex.session.node;

import java.time.Duration;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Mono;

/**
 * Hand SQL over {@code realtime.node_lease}. Every time is the database's ({@code now()}), so the
 * nodes' clocks never matter. Rows name nodes, not tenants: there is no tenant to scope by.
 */
@Repository
class NodeLeaseRepository {

	private final DatabaseClient db;

	NodeLeaseRepository(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Takes the lease of {@code nodeId} for {@code lease} from now, recording the resume grace its
	 * clients are promised: should the node die, its sessions stay resumable that long. A row of
	 * that node already there is its own lease, not adopted (adoption deletes it): a node started
	 * again in the same process (a test context resumed after a pause, a release that timed out)
	 * takes it over afresh.
	 * @return completes with true once the lease is held
	 */
	Mono<Boolean> acquire(String nodeId, Duration lease, Duration resumeGrace) {
		return this.db.sql("INSERT INTO realtime.node_lease (node_id, expires_at, resume_grace_ms) VALUES (:nodeId, "
				+ "now() + :leaseMs * interval '1 millisecond', :graceMs) ON CONFLICT (node_id) DO UPDATE SET "
				+ "started_at = now(), up_since = now(), heartbeat_at = now(), expires_at = EXCLUDED.expires_at, "
				+ "resume_grace_ms = EXCLUDED.resume_grace_ms")
			.bind("nodeId", nodeId)
			.bind("leaseMs", lease.toMillis())
			.bind("graceMs", resumeGrace.toMillis())
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	/**
	 * Renews the lease of {@code nodeId} for {@code lease} from now, lapsed or not, as long as no
	 * node adopted it: a node whose lease lapsed in a database outage carries on once the database
	 * is back. A renewal more than {@code gap} after the one before restarts the node's
	 * {@code up_since}: the database (or the node) was away meanwhile. Waits for a node adopting the
	 * lease at this moment (which holds the row), then finds it gone.
	 * @return false when the lease is gone: adopted by another node, so lost
	 */
	Mono<Boolean> renew(String nodeId, Duration lease, Duration gap) {
		return this.db.sql("""
				UPDATE realtime.node_lease SET
				    up_since = CASE WHEN heartbeat_at >= now() - :gapMs * interval '1 millisecond' THEN up_since ELSE now() END,
				    heartbeat_at = now(), expires_at = now() + :leaseMs * interval '1 millisecond'
				WHERE node_id = :nodeId""")
			.bind("nodeId", nodeId)
			.bind("leaseMs", lease.toMillis())
			.bind("gapMs", gap.toMillis())
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	/**
	 * Gives the lease up as a node stops: it lapses now, so a session it could not hand over (a
	 * failed write while closing) is adopted at the next sweep instead of after the lease time.
	 */
	Mono<Void> release(String nodeId) {
		return this.db.sql("UPDATE realtime.node_lease SET heartbeat_at = now(), expires_at = now() "
				+ "WHERE node_id = :nodeId AND expires_at > now()")
			.bind("nodeId", nodeId)
			.then();
	}

}

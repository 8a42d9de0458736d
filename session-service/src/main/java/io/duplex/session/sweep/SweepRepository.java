package io.duplex.session.sweep;

import java.util.Map;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.duplex.session.lifecycle.Session;
import reactor.core.publisher.Flux;

/**
 * Hand SQL of the sweeps over {@code realtime.session}, on behalf of every tenant: adopting the
 * sessions of dead nodes, the sessions recorded as active on this node, and ending detached sessions
 * whose grace period is over.
 */
@Repository
class SweepRepository {

	private final DatabaseClient db;

	SweepRepository(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Adopts, for the node {@code nodeId}, the sessions of nodes whose lease lapsed
	 * ({@code realtime.node_lease}), in one statement per call. A lapse counts only when it happened
	 * while the database was up: the adopting node must hold its own lease and have renewed it
	 * without a lapse for at least the dead node's lease length, so a database outage, which
	 * lapses every lease at once, is no death (each node renews its lapsed lease when the database
	 * is back). The lapsed leases are locked with SKIP LOCKED (nodes sweeping at once share them out,
	 * and a node renewing its lease at that moment either wins, and keeps its sessions, or finds its
	 * lease gone) and deleted with the adoption, so no session is adopted twice. Each
	 * {@code active} session of a dead node with a resume token becomes
	 * {@code detached}, resumable with that token for the grace the dead node promised its clients
	 * (its {@code resume_grace_ms}) from now, detached since the node's last heartbeat (so its
	 * connected time, the metered one, stops there); one without a token (or every one when that
	 * grace is zero) ends at once as {@code node_lost}, at the last heartbeat. Their open segments end at the last heartbeat.
	 * @param nodes at most this many dead nodes per call
	 * @return the sessions adopted, with whether each ended at once (to be metered)
	 */
	Flux<Adopted> adoptFromLapsedNodes(String nodeId, int nodes) {
		return this.db.sql("""
				WITH me AS (
				    SELECT up_since FROM realtime.node_lease WHERE node_id = :me AND expires_at > now()),
				dead AS (
				    SELECT d.node_id, d.heartbeat_at, d.resume_grace_ms FROM realtime.node_lease d, me
				    WHERE d.expires_at <= now() AND me.up_since + (d.expires_at - d.heartbeat_at) <= now()
				    ORDER BY d.expires_at LIMIT :nodes FOR UPDATE OF d SKIP LOCKED),
				lost AS (
				    SELECT s.id, GREATEST(dead.heartbeat_at, s.started_at) AS last_seen, dead.resume_grace_ms,
				        (s.resume_token_hash IS NOT NULL AND dead.resume_grace_ms > 0) AS resumable
				    FROM realtime.session s JOIN dead ON s.node_id = dead.node_id
				    WHERE s.status = 'active'),
				adopted AS (
				    UPDATE realtime.session s SET
				        status = CASE WHEN lost.resumable THEN 'detached' ELSE 'ended' END,
				        end_reason = CASE WHEN lost.resumable THEN NULL ELSE :nodeLost END,
				        ended_at = CASE WHEN lost.resumable THEN NULL ELSE lost.last_seen END,
				        detached_at = CASE WHEN lost.resumable THEN lost.last_seen ELSE NULL END,
				        resumable_until = CASE WHEN lost.resumable
				            THEN now() + lost.resume_grace_ms * interval '1 millisecond' ELSE NULL END,
				        lost_node_id = s.node_id, node_id = NULL
				    FROM lost WHERE s.id = lost.id AND s.status = 'active'
				    RETURNING s.tenant_id, s.id, s.status, s.lost_node_id, lost.last_seen),
				segments AS (
				    UPDATE realtime.session_segment g SET ended_at = GREATEST(adopted.last_seen, g.started_at)
				    FROM adopted WHERE g.tenant_id = adopted.tenant_id AND g.session_id = adopted.id
				        AND g.ended_at IS NULL),
				released AS (
				    DELETE FROM realtime.node_lease l USING dead WHERE l.node_id = dead.node_id)
				SELECT tenant_id, id, status, lost_node_id FROM adopted""")
			.bind("me", nodeId)
			.bind("nodes", nodes)
			.bind("nodeLost", Session.NODE_LOST)
			.map((row) -> new Adopted(row.get("tenant_id", String.class), row.get("id", String.class),
					row.get("lost_node_id", String.class), Session.ENDED.equals(row.get("status", String.class))))
			.all();
	}

	/**
	 * The sessions recorded as active on {@code nodeId}, of every tenant, with whether each has a
	 * resume token armed; not those asked to stop, which the stop poller ends with their reason.
	 */
	Flux<ActiveSession> activeOn(String nodeId) {
		return this.db.sql("SELECT tenant_id, id, resume_token_hash IS NOT NULL AS resumable FROM realtime.session "
				+ "WHERE node_id = :nodeId AND status = 'active' AND stop_reason IS NULL")
			.bind("nodeId", nodeId)
			.map((row) -> new ActiveSession(row.get("tenant_id", String.class), row.get("id", String.class),
					Boolean.TRUE.equals(row.get("resumable", Boolean.class))))
			.all();
	}

	/** A session recorded as active on a node. */
	record ActiveSession(String tenantId, String sessionId, boolean resumable) {
	}

	/**
	 * A session adopted from a dead node.
	 * @param lostNodeId the node whose lease lapsed
	 * @param ended whether it ended at once ({@code node_lost}) rather than waiting for a resume
	 */
	record Adopted(String tenantId, String sessionId, String lostNodeId, boolean ended) {
	}

	/**
	 * Ends detached sessions whose grace period is over, on any node's behalf: SKIP LOCKED, so
	 * nodes sweeping at once share the work instead of waiting on each other.
	 * @return the ended sessions, tenant first
	 */
	Flux<Map.Entry<String, String>> endExpiredDetached(int limit) {
		return this.db.sql("""
				WITH expired AS (
				    SELECT id FROM realtime.session WHERE status = 'detached' AND resumable_until <= now()
				    ORDER BY resumable_until LIMIT :limit FOR UPDATE SKIP LOCKED),
				ended AS (
				    UPDATE realtime.session s SET status = 'ended',
				        end_reason = CASE WHEN s.lost_node_id IS NULL THEN :reason ELSE :nodeLost END,
				        ended_at = s.resumable_until,
				        detached_ms = s.detached_ms
				            + GREATEST(0, (extract(epoch FROM s.resumable_until - s.detached_at) * 1000)::bigint),
				        detached_at = NULL
				    FROM expired WHERE s.id = expired.id AND s.status = 'detached'
				    RETURNING s.tenant_id, s.id)
				SELECT tenant_id, id FROM ended""")
			.bind("limit", limit)
			.bind("reason", Session.CLIENT_DISCONNECTED)
			.bind("nodeLost", Session.NODE_LOST)
			.map((row) -> Map.entry(row.get("tenant_id", String.class), row.get("id", String.class)))
			.all();
	}

}

package io.duplex.session.lifecycle;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.duplex.core.session.SessionTermination;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Hand SQL of the stops asked from outside, over {@code realtime.session}: storing the ask on the
 * sessions in scope, and finding the sessions asked. Every statement but the probes of a node's
 * sessions and of detached ones filters by tenant.
 */
@Repository
public class StopRepository {

	private final DatabaseClient db;

	StopRepository(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Asks the sessions in scope that have not ended, and were not asked before, to stop: the
	 * reason and message are stored on each; a created one (no socket runs it yet) is ended at once
	 * with that reason. Active and detached ones are left to {@link #stopsOn} and
	 * {@link #detachedStops}. Tenant-scoped like every statement here.
	 * @return how many sessions were asked
	 */
	public Mono<Long> requestStop(SessionTermination stop) {
		StringBuilder sql = new StringBuilder("""
				UPDATE realtime.session s SET stop_reason = :reason, stop_message = :message,
				    status = CASE WHEN s.status = 'created' THEN 'ended' ELSE s.status END,
				    end_reason = CASE WHEN s.status = 'created' THEN :reason ELSE s.end_reason END,
				    ended_at = CASE WHEN s.status = 'created' THEN now() ELSE s.ended_at END
				WHERE s.tenant_id = :tenantId AND s.status <> 'ended' AND s.stop_reason IS NULL""");
		if (stop.agentId() != null) {
			sql.append(" AND s.agent_id = :agentId");
		}
		if (stop.credentialId() != null) {
			// the key that created (or started) it, minted its secret, or used that secret up
			sql.append(" AND (s.credential_id = :credentialId OR EXISTS (SELECT 1 FROM realtime.client_secret c "
					+ "WHERE c.tenant_id = s.tenant_id AND c.session_id = s.id "
					+ "AND (c.credential_id = :credentialId OR c.redeemed_by = :credentialId)))");
		}
		DatabaseClient.GenericExecuteSpec spec = this.db.sql(sql.toString())
			.bind("tenantId", stop.tenantId())
			.bind("reason", stop.reason().code())
			.bind("message", stop.message());
		spec = (stop.agentId() != null) ? spec.bind("agentId", stop.agentId()) : spec;
		spec = (stop.credentialId() != null) ? spec.bind("credentialId", stop.credentialId()) : spec;
		return spec.fetch().rowsUpdated();
	}

	/**
	 * The sessions active on {@code nodeId} that were asked to stop: one probe of a partial index
	 * that is nearly always empty.
	 */
	public Flux<StopRequest> stopsOn(String nodeId) {
		return this.db.sql("SELECT tenant_id, id, stop_reason, stop_message FROM realtime.session "
				+ "WHERE node_id = :nodeId AND stop_reason IS NOT NULL AND status <> 'ended' AND status = 'active'")
			.bind("nodeId", nodeId)
			.map(StopRepository::stopRequest)
			.all();
	}

	/**
	 * Detached sessions (no socket, waiting for their client) that were asked to stop: they had a
	 * socket when asked, which dropped before their node ended them, or their node was lost.
	 */
	public Flux<StopRequest> detachedStops(int limit) {
		return this.db.sql("SELECT tenant_id, id, stop_reason, stop_message FROM realtime.session "
				+ "WHERE stop_reason IS NOT NULL AND status <> 'ended' AND status = 'detached' ORDER BY id LIMIT :limit")
			.bind("limit", limit)
			.map(StopRepository::stopRequest)
			.all();
	}

	/** The stop the tenant's session was asked for; empty when none was. */
	Mono<StopRequest> findStop(String tenantId, String id) {
		return this.db.sql("SELECT tenant_id, id, stop_reason, stop_message FROM realtime.session "
				+ "WHERE tenant_id = :tenantId AND id = :id AND stop_reason IS NOT NULL")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.map(StopRepository::stopRequest)
			.one();
	}

	private static StopRequest stopRequest(Readable row) {
		return new StopRequest(row.get("tenant_id", String.class), row.get("id", String.class),
				row.get("stop_reason", String.class), row.get("stop_message", String.class));
	}

}

package io.duplex.session.lifecycle;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.duplex.session.secrets.ResumeTokens;
import io.r2dbc.postgresql.codec.Json;
import reactor.core.publisher.Mono;

/**
 * Hand SQL of resuming sessions over {@code realtime.session}: arming a resume token, detaching a
 * session, finding and claiming it with its token, and the session configuration a resume restores.
 * Every statement but the token lookup filters by tenant (the token hash is the credential).
 */
@Repository
public class ResumeRepository {

	private final DatabaseClient db;

	ResumeRepository(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Arms resume for the session this node runs: stores the hash of a new token (the earlier one
	 * stops working) and answers it; empty when the session is not active on this node.
	 */
	Mono<String> armResume(String tenantId, String id, String nodeId) {
		String token = ResumeTokens.newToken();
		return this.db.sql("UPDATE realtime.session SET resume_token_hash = :hash WHERE tenant_id = :tenantId "
				+ "AND id = :id AND status = 'active' AND node_id = :nodeId")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.bind("nodeId", nodeId)
			.bind("hash", ByteBuffer.wrap(ResumeTokens.hash(token)))
			.fetch()
			.rowsUpdated()
			.flatMap((rows) -> (rows > 0) ? Mono.just(token) : Mono.empty());
	}

	/**
	 * Detaches the session this node runs: it stays resumable until {@code grace} from now, and its
	 * open segments end (their upstreams are closed).
	 * @return whether it was detached (false when it was not active on this node, e.g. ended meanwhile)
	 */
	public Mono<Boolean> markDetached(String tenantId, String id, String nodeId, Duration grace) {
		return this.db.sql("""
				WITH detached AS (
				    UPDATE realtime.session SET status = 'detached', node_id = NULL, lost_node_id = NULL,
				        detached_at = now(),
				        resumable_until = now() + :graceMs * interval '1 millisecond'
				    WHERE tenant_id = :tenantId AND id = :id AND status = 'active' AND node_id = :nodeId
				    RETURNING id, tenant_id),
				segments AS (
				    UPDATE realtime.session_segment g SET ended_at = now() FROM detached
				    WHERE g.tenant_id = detached.tenant_id AND g.session_id = detached.id AND g.ended_at IS NULL)
				SELECT count(*) AS detached FROM detached""")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.bind("nodeId", nodeId)
			.bind("graceMs", grace.toMillis())
			.map((row) -> row.get("detached", Long.class) > 0)
			.one();
	}

	/**
	 * A session and whether it is still resumable with {@code token}: any status, found only with
	 * its current token (its hash is the credential, as for client secrets).
	 */
	Mono<ResumeCandidate> findByResumeToken(String id, String token) {
		return this.db.sql("SELECT tenant_id, status, node_id, resumable_until > now() AS in_grace, "
				+ "stop_reason IS NOT NULL AS stopped FROM realtime.session WHERE id = :id AND resume_token_hash = :hash")
			.bind("id", id)
			.bind("hash", ByteBuffer.wrap(ResumeTokens.hash(token)))
			.map((row) -> new ResumeCandidate(row.get("tenant_id", String.class), row.get("status", String.class),
					row.get("node_id", String.class), Boolean.TRUE.equals(row.get("in_grace", Boolean.class)),
					Boolean.TRUE.equals(row.get("stopped", Boolean.class))))
			.one();
	}

	/**
	 * What the resume lookup tells the gateway.
	 * @param stopped whether the session was asked to stop from outside (it is ending)
	 */
	record ResumeCandidate(String tenantId, String status, @Nullable String nodeId, boolean inGrace, boolean stopped) {
	}

	/**
	 * Claims a detached session for this node with its current resume token, in one statement:
	 * of two nodes resuming it at once, one wins. Its detached time is added up (not metered). A
	 * session asked to stop is not resumed.
	 * @return where it continues from; empty when the token is not (or no longer) good for it
	 */
	Mono<ResumeState> claimResume(String tenantId, String id, String token, String nodeId) {
		return this.db.sql("""
				UPDATE realtime.session SET status = 'active', node_id = :nodeId,
				    detached_ms = detached_ms + GREATEST(0, (extract(epoch FROM now() - detached_at) * 1000)::bigint),
				    detached_at = NULL, resumable_until = NULL, lost_node_id = NULL
				WHERE tenant_id = :tenantId AND id = :id AND status = 'detached' AND resume_token_hash = :hash
				    AND resumable_until > now() AND stop_reason IS NULL
				RETURNING started_at, session_config::text AS session_config,
				    (SELECT COALESCE(max(g.sequence), 0) FROM realtime.session_segment g
				     WHERE g.tenant_id = :tenantId AND g.session_id = :id) AS segments""")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.bind("nodeId", nodeId)
			.bind("hash", ByteBuffer.wrap(ResumeTokens.hash(token)))
			.map((row) -> new ResumeState(row.get("segments", Integer.class), row.get("started_at", Instant.class),
					row.get("session_config", String.class)))
			.one();
	}

	/** Stores the session object as the client last configured it, for a resume to restore. */
	Mono<Void> saveConfig(String tenantId, String id, String session) {
		return this.db.sql("UPDATE realtime.session SET session_config = :config WHERE tenant_id = :tenantId AND id = :id")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.bind("config", Json.of(session))
			.then();
	}

}

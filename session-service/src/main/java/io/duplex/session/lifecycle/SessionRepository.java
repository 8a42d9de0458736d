package io.duplex.session.lifecycle;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.duplex.core.page.PageRequest;
import io.duplex.core.session.SessionTermination;
import io.duplex.session.latency.ResponseLatency;
import io.duplex.session.secrets.ResumeTokens;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hand SQL over {@code realtime.session}, {@code realtime.conversation} and
 * {@code realtime.session_segment}. Every statement filters by tenant; a write to another tenant's
 * session changes nothing.
 */
@Repository
public class SessionRepository {

	private static final String COLUMNS = "id, tenant_id, agent_id, agent_version, conversation_id, model, region, "
			+ "compute, status, end_reason, metadata, node_id, created_at, started_at, ended_at, responses, "
			+ "input_text_tokens, input_audio_tokens, cached_text_tokens, cached_audio_tokens, output_text_tokens, "
			+ "output_audio_tokens, config_overrides, detached_at, resumable_until, detached_ms";

	private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {
	};

	private final DatabaseClient db;

	private final JsonMapper json;

	SessionRepository(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	/** The agent a conversation of the tenant belongs to; empty when the tenant has no such conversation. */
	Mono<String> findConversationAgent(String tenantId, String conversationId) {
		return this.db.sql("SELECT agent_id FROM realtime.conversation WHERE tenant_id = :tenantId AND id = :id")
			.bind("tenantId", tenantId)
			.bind("id", conversationId)
			.map((row) -> row.get("agent_id", String.class))
			.one();
	}

	Mono<Void> insertConversation(String tenantId, String conversationId, String agentId) {
		return this.db.sql("INSERT INTO realtime.conversation (id, tenant_id, agent_id) VALUES (:id, :tenantId, :agentId)")
			.bind("id", conversationId)
			.bind("tenantId", tenantId)
			.bind("agentId", agentId)
			.then();
	}

	Mono<Void> touchConversation(String tenantId, String conversationId) {
		return this.db.sql("UPDATE realtime.conversation SET updated_at = now() WHERE tenant_id = :tenantId AND id = :id")
			.bind("tenantId", tenantId)
			.bind("id", conversationId)
			.then();
	}

	/**
	 * Stores a new session in status {@code created}; answers it as stored, with the database's clock.
	 * @param credentialId the API key that creates it, so revoking that key ends it
	 */
	Mono<Session> insert(String id, String tenantId, String agentId, int agentVersion, String conversationId,
			String model, String region, String compute, Map<String, String> metadata, ObjectNode configOverrides,
			String credentialId) {
		return this.db.sql("INSERT INTO realtime.session (id, tenant_id, agent_id, agent_version, conversation_id, "
				+ "model, region, compute, metadata, config_overrides, credential_id) VALUES (:id, :tenantId, :agentId, "
				+ ":version, :conversationId, :model, :region, :compute, :metadata, :overrides, :credentialId) "
				+ "RETURNING " + COLUMNS)
			.bind("id", id)
			.bind("credentialId", credentialId)
			.bind("tenantId", tenantId)
			.bind("agentId", agentId)
			.bind("version", agentVersion)
			.bind("conversationId", conversationId)
			.bind("model", model)
			.bind("region", region)
			.bind("compute", compute)
			.bind("metadata", Json.of(this.json.writeValueAsString(metadata)))
			.bind("overrides", Json.of(this.json.writeValueAsString(configOverrides)))
			.map(this::session)
			.one();
	}

	/** The tenant's session; empty when it has none with this id. */
	public Mono<Session> find(String tenantId, String id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM realtime.session WHERE tenant_id = :tenantId AND id = :id")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.map(this::session)
			.one();
	}

	/**
	 * The tenant's sessions newest first, filtered by any of agent, status and creation time
	 * (after exclusive, before exclusive).
	 */
	public Flux<Session> list(String tenantId, @Nullable String agentId, @Nullable String status,
			@Nullable Instant createdAfter, @Nullable Instant createdBefore, PageRequest page) {
		StringBuilder sql = new StringBuilder(
				"SELECT " + COLUMNS + " FROM realtime.session WHERE tenant_id = :tenantId AND id < :after");
		if (agentId != null) {
			sql.append(" AND agent_id = :agentId");
		}
		if (status != null) {
			sql.append(" AND status = :status");
		}
		if (createdAfter != null) {
			sql.append(" AND created_at > :createdAfter");
		}
		if (createdBefore != null) {
			sql.append(" AND created_at < :createdBefore");
		}
		sql.append(" ORDER BY id DESC LIMIT :limit");
		DatabaseClient.GenericExecuteSpec spec = this.db.sql(sql.toString())
			.bind("tenantId", tenantId)
			.bind("after", page.cursorOrMax())
			.bind("limit", page.fetchSize());
		spec = (agentId != null) ? spec.bind("agentId", agentId) : spec;
		spec = (status != null) ? spec.bind("status", status) : spec;
		spec = (createdAfter != null) ? spec.bind("createdAfter", createdAfter) : spec;
		spec = (createdBefore != null) ? spec.bind("createdBefore", createdBefore) : spec;
		return spec.map(this::session).all();
	}

	/** Whether the session's conversation had sessions before it. */
	Mono<Boolean> continuesConversation(String tenantId, String sessionId) {
		return this.db.sql("SELECT EXISTS (SELECT 1 FROM realtime.session o JOIN realtime.session s "
				+ "ON s.conversation_id = o.conversation_id WHERE s.tenant_id = :tenantId AND s.id = :id "
				+ "AND o.tenant_id = :tenantId AND o.created_at < s.created_at) AS continued")
			.bind("tenantId", tenantId)
			.bind("id", sessionId)
			.map((row) -> Boolean.TRUE.equals(row.get("continued", Boolean.class)))
			.one();
	}

	/** Marks a created session active on {@code nodeId}; a session in any other status stays as it is. */
	Mono<Boolean> markActive(String tenantId, String id, String nodeId) {
		return this.db.sql("UPDATE realtime.session SET status = 'active', started_at = now(), node_id = :nodeId "
				+ "WHERE tenant_id = :tenantId AND id = :id AND status = 'created'")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.bind("nodeId", nodeId)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	/** Adds a detached period that ends now to the detached time (columns of the session updated). */
	private static final String DETACHED_UNTIL_NOW = "detached_ms = detached_ms + CASE WHEN detached_at IS NULL "
			+ "THEN 0 ELSE GREATEST(0, (extract(epoch FROM now() - detached_at) * 1000)::bigint) END, detached_at = NULL";

	/** Ends the session and its open segments; true if it was not ended before (the first reason wins). */
	public Mono<Boolean> markEnded(String tenantId, String id, String reason) {
		return this.db.sql("UPDATE realtime.session SET status = 'ended', end_reason = :reason, ended_at = now(), "
				+ DETACHED_UNTIL_NOW + " WHERE tenant_id = :tenantId AND id = :id AND status <> 'ended'")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.bind("reason", reason)
			.fetch()
			.rowsUpdated()
			.flatMap((rows) -> (rows == 0) ? Mono.just(false)
					: this.db.sql("UPDATE realtime.session_segment SET ended_at = now() WHERE tenant_id = :tenantId "
							+ "AND session_id = :id AND ended_at IS NULL")
						.bind("tenantId", tenantId)
						.bind("id", id)
						.then()
						.thenReturn(true));
	}

	/**
	 * Ends the session as the node {@code nodeId} that ran it (or was opening it) sees it end: only
	 * while it is still that node's, or still waiting for its first socket. A session adopted from
	 * that node (its lease lapsed) or resumed on another node is left as it is, so a node that lost
	 * its lease never writes over what another node made of the session.
	 * @return true if it ended it here
	 */
	public Mono<Boolean> markEndedOn(String tenantId, String id, String nodeId, String reason) {
		return markEndedOn(tenantId, id, nodeId, reason, Instant.now());
	}

	/**
	 * As {@link #markEndedOn(String, String, String, String)}, for a session that ended at
	 * {@code endedAt} on its node: an end stored late (replayed from the write spool after a database
	 * outage) keeps the time it happened, so the outage is not metered; never later than the
	 * database's now.
	 */
	Mono<Boolean> markEndedOn(String tenantId, String id, String nodeId, String reason, Instant endedAt) {
		return this.db.sql("UPDATE realtime.session SET status = 'ended', end_reason = :reason, "
				+ "ended_at = GREATEST(started_at, LEAST(now(), :endedAt)), " + DETACHED_UNTIL_NOW
				+ " WHERE tenant_id = :tenantId AND id = :id AND (status = 'created' "
				+ "OR (status = 'active' AND node_id = :nodeId))")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.bind("nodeId", nodeId)
			.bind("reason", reason)
			.bind("endedAt", endedAt)
			.fetch()
			.rowsUpdated()
			.flatMap((rows) -> (rows == 0) ? Mono.just(false)
					: this.db.sql("UPDATE realtime.session_segment SET ended_at = LEAST(now(), :endedAt) "
							+ "WHERE tenant_id = :tenantId AND session_id = :id AND ended_at IS NULL")
						.bind("tenantId", tenantId)
						.bind("id", id)
						.bind("endedAt", endedAt)
						.then()
						.thenReturn(true));
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
	public Flux<Adopted> adoptFromLapsedNodes(String nodeId, int nodes) {
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
	public Flux<ActiveSession> activeOn(String nodeId) {
		return this.db.sql("SELECT tenant_id, id, resume_token_hash IS NOT NULL AS resumable FROM realtime.session "
				+ "WHERE node_id = :nodeId AND status = 'active' AND stop_reason IS NULL")
			.bind("nodeId", nodeId)
			.map((row) -> new ActiveSession(row.get("tenant_id", String.class), row.get("id", String.class),
					Boolean.TRUE.equals(row.get("resumable", Boolean.class))))
			.all();
	}

	/** A session recorded as active on a node. */
	public record ActiveSession(String tenantId, String sessionId, boolean resumable) {
	}

	/**
	 * A session adopted from a dead node.
	 * @param lostNodeId the node whose lease lapsed
	 * @param ended whether it ended at once ({@code node_lost}) rather than waiting for a resume
	 */
	public record Adopted(String tenantId, String sessionId, String lostNodeId, boolean ended) {
	}

	/**
	 * Ends detached sessions whose grace period is over, on any node's behalf: SKIP LOCKED, so
	 * nodes sweeping at once share the work instead of waiting on each other.
	 * @return the ended sessions, tenant first
	 */
	public Flux<Map.Entry<String, String>> endExpiredDetached(int limit) {
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
			.map(SessionRepository::stopRequest)
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
			.map(SessionRepository::stopRequest)
			.all();
	}

	/** The stop the tenant's session was asked for; empty when none was. */
	Mono<StopRequest> findStop(String tenantId, String id) {
		return this.db.sql("SELECT tenant_id, id, stop_reason, stop_message FROM realtime.session "
				+ "WHERE tenant_id = :tenantId AND id = :id AND stop_reason IS NOT NULL")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.map(SessionRepository::stopRequest)
			.one();
	}

	private static StopRequest stopRequest(Readable row) {
		return new StopRequest(row.get("tenant_id", String.class), row.get("id", String.class),
				row.get("stop_reason", String.class), row.get("stop_message", String.class));
	}

	/** Adds a usage delta to the session's totals, for a statement whose {@code applied} CTE returned a row. */
	private static final String ADD_TOTALS = """
			UPDATE realtime.session s SET responses = s.responses + :responses,
			    input_text_tokens = s.input_text_tokens + :inputText,
			    input_audio_tokens = s.input_audio_tokens + :inputAudio,
			    cached_text_tokens = s.cached_text_tokens + :cachedText,
			    cached_audio_tokens = s.cached_audio_tokens + :cachedAudio,
			    output_text_tokens = s.output_text_tokens + :outputText,
			    output_audio_tokens = s.output_audio_tokens + :outputAudio
			FROM applied WHERE s.tenant_id = :tenantId AND s.id = applied.session_id""";

	/**
	 * The response's latency row and its usage added to the session's totals, in one statement
	 * (one round trip per response). The latency row is the response's receipt: a repeat of the
	 * same response (a write retried or replayed after a database outage) finds it and adds nothing.
	 */
	Mono<Void> finishResponse(String tenantId, String id, UsageTotals delta, ResponseLatency latency) {
		DatabaseClient.GenericExecuteSpec spec = this.db.sql("""
				WITH applied AS (
				    INSERT INTO realtime.response_latency (response_id, session_id, tenant_id, segment, user_item_id,
				        status, voice_to_voice_ms, provider_first_byte_ms, first_audio_ms, stt_ms, llm_first_token_ms,
				        tts_first_byte_ms, created_at)
				    SELECT :responseId, s.id, s.tenant_id, :segment, :userItemId, :status, :voiceToVoice,
				        :firstByte, :firstAudio, :stt, :llm, :tts, :createdAt
				    FROM realtime.session s WHERE s.tenant_id = :tenantId AND s.id = :id
				    ON CONFLICT (session_id, response_id) DO NOTHING
				    RETURNING session_id)
				""" + ADD_TOTALS)
			.bind("responseId", latency.responseId())
			.bind("segment", latency.segment())
			.bind("status", latency.status())
			.bind("createdAt", latency.occurredAt());
		spec = bindTotals(spec, tenantId, id, delta);
		spec = nullable(spec, "userItemId", latency.userItemId(), String.class);
		spec = nullable(spec, "voiceToVoice", latency.voiceToVoiceMs(), Integer.class);
		spec = nullable(spec, "firstByte", latency.providerFirstByteMs(), Integer.class);
		spec = nullable(spec, "firstAudio", latency.firstAudioMs(), Integer.class);
		spec = nullable(spec, "stt", latency.sttMs(), Integer.class);
		spec = nullable(spec, "llm", latency.llmFirstTokenMs(), Integer.class);
		spec = nullable(spec, "tts", latency.ttsFirstByteMs(), Integer.class);
		return spec.then();
	}

	/**
	 * Adds {@code delta} to the session's totals once per {@code key}: a repeat of the key (a write
	 * retried or replayed after a database outage) adds nothing.
	 */
	Mono<Void> addUsage(String tenantId, String id, String key, UsageTotals delta) {
		return bindTotals(this.db.sql("""
				WITH applied AS (
				    INSERT INTO realtime.session_usage_applied (session_id, tenant_id, usage_key)
				    SELECT s.id, s.tenant_id, :key FROM realtime.session s WHERE s.tenant_id = :tenantId AND s.id = :id
				    ON CONFLICT (session_id, usage_key) DO NOTHING
				    RETURNING session_id)
				""" + ADD_TOTALS).bind("key", key), tenantId, id, delta).then();
	}

	private static DatabaseClient.GenericExecuteSpec bindTotals(DatabaseClient.GenericExecuteSpec spec,
			String tenantId, String id, UsageTotals delta) {
		return spec.bind("tenantId", tenantId)
			.bind("id", id)
			.bind("responses", delta.responses())
			.bind("inputText", delta.inputTextTokens())
			.bind("inputAudio", delta.inputAudioTokens())
			.bind("cachedText", delta.cachedTextTokens())
			.bind("cachedAudio", delta.cachedAudioTokens())
			.bind("outputText", delta.outputTextTokens())
			.bind("outputAudio", delta.outputAudioTokens());
	}

	/**
	 * Records a segment of the tenant's session; a repeated sequence number is ignored, so retries
	 * are safe. An ended session gets none: its end closed its segments, and one opened after would
	 * stay open (a socket that opened a session just ended, e.g. asked to stop).
	 */
	Mono<Void> startSegment(String tenantId, String id, int sequence, String provider, @Nullable String upstreamId,
			String reason) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("INSERT INTO realtime.session_segment (session_id, tenant_id, sequence, provider, upstream_id, reason) "
					+ "SELECT s.id, s.tenant_id, :sequence, :provider, :upstreamId, :reason FROM realtime.session s "
					+ "WHERE s.tenant_id = :tenantId AND s.id = :id AND s.status <> 'ended' "
					+ "ON CONFLICT (session_id, sequence) DO NOTHING")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.bind("sequence", sequence)
			.bind("provider", provider)
			.bind("reason", reason);
		spec = (upstreamId != null) ? spec.bind("upstreamId", upstreamId) : spec.bindNull("upstreamId", String.class);
		return spec.then();
	}

	Mono<Void> endSegment(String tenantId, String id, int sequence) {
		return this.db.sql("UPDATE realtime.session_segment SET ended_at = now() WHERE tenant_id = :tenantId "
				+ "AND session_id = :id AND sequence = :sequence AND ended_at IS NULL")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.bind("sequence", sequence)
			.then();
	}

	/** The segments of the tenant's sessions {@code ids}, by session, in order. */
	public Mono<Map<String, List<Segment>>> segments(String tenantId, List<String> ids) {
		if (ids.isEmpty()) {
			return Mono.just(Map.of());
		}
		return this.db.sql("SELECT session_id, sequence, provider, upstream_id, started_at, ended_at, reason "
				+ "FROM realtime.session_segment WHERE tenant_id = :tenantId AND session_id = ANY(:ids) "
				+ "ORDER BY session_id, sequence")
			.bind("tenantId", tenantId)
			.bind("ids", ids.toArray(String[]::new))
			.map((row) -> Map.entry(row.get("session_id", String.class),
					new Segment(row.get("sequence", Integer.class), row.get("provider", String.class),
							row.get("upstream_id", String.class), row.get("started_at", Instant.class),
							row.get("ended_at", Instant.class), row.get("reason", String.class))))
			.all()
			.collectMultimap(Map.Entry::getKey, Map.Entry::getValue)
			.map((grouped) -> {
				Map<String, List<Segment>> segments = new LinkedHashMap<>();
				grouped.forEach((id, list) -> segments.put(id, List.copyOf(list)));
				return segments;
			});
	}

	private Session session(Readable row) {
		UsageTotals usage = new UsageTotals(row.get("responses", Integer.class), row.get("input_text_tokens", Long.class),
				row.get("input_audio_tokens", Long.class), row.get("cached_text_tokens", Long.class),
				row.get("cached_audio_tokens", Long.class), row.get("output_text_tokens", Long.class),
				row.get("output_audio_tokens", Long.class));
		return new Session(row.get("id", String.class), row.get("tenant_id", String.class),
				row.get("agent_id", String.class), row.get("agent_version", Integer.class),
				row.get("conversation_id", String.class), row.get("model", String.class),
				row.get("region", String.class), row.get("compute", String.class), row.get("status", String.class),
				row.get("end_reason", String.class),
				this.json.readValue(row.get("metadata", Json.class).asString(), STRING_MAP),
				row.get("node_id", String.class), row.get("created_at", Instant.class),
				row.get("started_at", Instant.class), row.get("ended_at", Instant.class), usage,
				(ObjectNode) this.json.readTree(row.get("config_overrides", Json.class).asString()),
				row.get("detached_at", Instant.class), row.get("resumable_until", Instant.class),
				row.get("detached_ms", Long.class));
	}

	private static <T> DatabaseClient.GenericExecuteSpec nullable(DatabaseClient.GenericExecuteSpec spec, String name,
			@Nullable T value, Class<T> type) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, type);
	}

}

package io.duplex.session.lifecycle;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.duplex.core.page.PageRequest;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hand SQL over {@code realtime.session} and {@code realtime.conversation}: storing, reading and
 * ending sessions (an end closes the session's open segments too). Segments, resume, usage totals
 * and stops have repositories of their own. Every statement filters by tenant; a write to another
 * tenant's session changes nothing.
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

}

package io.duplex.api.audit;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.duplex.core.audit.AuditEntry;
import io.duplex.core.audit.AuditTrail;
import io.duplex.core.id.Ids;
import io.duplex.core.page.PageRequest;
import io.duplex.core.web.RequestIdFilter;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The audit log in {@code control.audit_event}: append-only, with the request id of each change. */
@Repository
class AuditLog implements AuditTrail {

	private static final String COLUMNS = "id, tenant_id, actor_credential_id, actor_role, action, resource_type, "
			+ "resource_id, details, request_id, occurred_at";

	private final DatabaseClient db;

	private final JsonMapper json;

	AuditLog(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	@Override
	public Mono<Void> record(AuditEntry entry) {
		return Mono.deferContextual((context) -> {
			var spec = this.db.sql("INSERT INTO control.audit_event (" + COLUMNS + ") VALUES (:id, :tenantId, :actor, "
					+ ":role, :action, :type, :resourceId, :details, :requestId, :at)")
				.bind("id", Ids.newId("aud"))
				.bind("actor", entry.actor().credentialId())
				.bind("role", entry.actor().role().wireName())
				.bind("action", entry.action())
				.bind("type", entry.resourceType())
				.bind("resourceId", entry.resourceId())
				.bind("details", Json.of(this.json.writeValueAsString(entry.details())))
				.bind("at", Instant.now());
			spec = (entry.tenantId() != null) ? spec.bind("tenantId", entry.tenantId())
					: spec.bindNull("tenantId", String.class);
			String requestId = context.getOrDefault(RequestIdFilter.CONTEXT_KEY, null);
			spec = (requestId != null) ? spec.bind("requestId", requestId) : spec.bindNull("requestId", String.class);
			return spec.then();
		});
	}

	/**
	 * Events newest first; {@code tenantId} null means every tenant's and the platform's (for
	 * platform admins only).
	 */
	Flux<AuditEvent> list(@Nullable String tenantId, @Nullable String resourceId, @Nullable String action,
			PageRequest page) {
		StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM control.audit_event WHERE id < :after");
		if (tenantId != null) {
			sql.append(" AND tenant_id = :tenantId");
		}
		if (resourceId != null) {
			sql.append(" AND resource_id = :resourceId");
		}
		if (action != null) {
			sql.append(" AND action = :action");
		}
		sql.append(" ORDER BY id DESC LIMIT :limit");
		var spec = this.db.sql(sql.toString()).bind("after", page.cursorOrMax()).bind("limit", page.fetchSize());
		if (tenantId != null) {
			spec = spec.bind("tenantId", tenantId);
		}
		if (resourceId != null) {
			spec = spec.bind("resourceId", resourceId);
		}
		if (action != null) {
			spec = spec.bind("action", action);
		}
		return spec.map(this::event).all();
	}

	private AuditEvent event(Readable row) {
		Json details = row.get("details", Json.class);
		Map<String, Object> map = (details != null)
				? this.json.readValue(details.asString(), new TypeReference<Map<String, Object>>() {
				}) : Map.of();
		return new AuditEvent(row.get("id", String.class), "audit_event", row.get("tenant_id", String.class),
				row.get("actor_credential_id", String.class), row.get("actor_role", String.class),
				row.get("action", String.class), row.get("resource_type", String.class),
				row.get("resource_id", String.class), map, row.get("request_id", String.class),
				row.get("occurred_at", Instant.class));
	}

}

package io.duplex.billing.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;

import io.duplex.core.usage.UsageEvent;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Streams the ledger's events a query covers, row by row (never the whole period in memory). */
@Repository
class UsageReader {

	private static final TypeReference<Map<String, String>> TAGS = new TypeReference<>() {
	};

	/** The export's order: each rated line's events are adjacent, in time order. */
	static final String LINE_ORDER = "tenant_id, session_id NULLS FIRST, agent_id NULLS FIRST, model, metric, "
			+ "tags, occurred_at, id";

	private final DatabaseClient db;

	private final JsonMapper json;

	UsageReader(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	/** The query's events, in {@code order} (an ORDER BY list of this class's constants) or none. */
	Flux<UsageEvent> events(UsageQuery query, String order) {
		StringBuilder sql = new StringBuilder("""
				SELECT tenant_id, idempotency_key, agent_id, agent_version, session_id, segment, model, region, compute,
				    metric, quantity, occurred_at, tags
				FROM billing.usage_event WHERE occurred_at >= :from AND occurred_at < :to""");
		if (query.tenantId() != null) {
			sql.append(" AND tenant_id = :tenantId");
		}
		if (query.agentId() != null) {
			sql.append(" AND agent_id = :agentId");
		}
		if (query.model() != null) {
			sql.append(" AND model = :model");
		}
		if (!order.isEmpty()) {
			sql.append(" ORDER BY ").append(order);
		}
		GenericExecuteSpec spec = this.db.sql(sql.toString()).bind("from", query.from()).bind("to", query.to());
		if (query.tenantId() != null) {
			spec = spec.bind("tenantId", query.tenantId());
		}
		if (query.agentId() != null) {
			spec = spec.bind("agentId", query.agentId());
		}
		if (query.model() != null) {
			spec = spec.bind("model", query.model());
		}
		return spec.map(this::event).all();
	}

	private UsageEvent event(Readable row) {
		return new UsageEvent(row.get("tenant_id", String.class), row.get("idempotency_key", String.class),
				row.get("agent_id", String.class), row.get("agent_version", Integer.class),
				row.get("session_id", String.class), row.get("segment", Integer.class), row.get("model", String.class),
				row.get("region", String.class), row.get("compute", String.class), row.get("metric", String.class),
				row.get("quantity", BigDecimal.class), row.get("occurred_at", Instant.class),
				this.json.readValue(row.get("tags", Json.class).asString(), TAGS));
	}

}

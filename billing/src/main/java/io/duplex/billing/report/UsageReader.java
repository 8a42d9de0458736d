package io.duplex.billing.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSource;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Streams the ledger's events a query covers, row by row (never the whole period in memory). */
@Repository
public class UsageReader {

	private static final TypeReference<Map<String, String>> TAGS = new TypeReference<>() {
	};

	/**
	 * The export's order: each rated line's events are adjacent, in time order. Events of one line
	 * at the same instant are in no particular order: a line's sum does not depend on it, and
	 * leaving the id out keeps it out of the sort.
	 */
	public static final String LINE_ORDER = "tenant_id, session_id NULLS FIRST, agent_id NULLS FIRST, model COLLATE \"C\", "
			+ "metric COLLATE \"C\", tags::text COLLATE \"C\", source COLLATE \"C\", estimated, occurred_at";

	/**
	 * The FOCUS export's order: as {@link #LINE_ORDER}, lines split by region and pool too. A line's
	 * events come in time order, so its UTC days (the charge periods) come one after the other
	 * without a day among the sort's keys: computing one per event made the sort of a million
	 * events take half as long again.
	 */
	public static final String REGIONAL_LINE_ORDER = "tenant_id, session_id NULLS FIRST, agent_id NULLS FIRST, "
			+ "model COLLATE \"C\", metric COLLATE \"C\", region COLLATE \"C\" NULLS FIRST, "
			+ "compute COLLATE \"C\" NULLS FIRST, tags::text COLLATE \"C\", source COLLATE \"C\", estimated, occurred_at";

	/**
	 * PostgreSQL memory for an export's sort: a month of a million events sorts in about 220 MB,
	 * and a sort that spills to disk takes a fifth longer. A node produces at most
	 * {@code duplex.billing.exports.max-concurrent} exports at once (4 by default), so the database
	 * may lend them 1 GB.
	 */
	static final String SORT_MEMORY = "256MB";

	private final DatabaseClient db;

	private final JsonMapper json;

	private final TransactionalOperator tx;

	UsageReader(DatabaseClient db, JsonMapper json, TransactionalOperator tx) {
		this.db = db;
		this.json = json;
		this.tx = tx;
	}

	/**
	 * The query's events, in {@code order} (an ORDER BY list of this class's constants) or none.
	 * Only what reports and exports use is read (no idempotency key, agent version or segment):
	 * fewer bytes to sort and to send, which is most of an export's time.
	 */
	Flux<UsageEvent> events(UsageQuery query, String order) {
		StringBuilder sql = new StringBuilder("""
				SELECT tenant_id, agent_id, session_id, model, region, compute, metric, quantity, occurred_at,
				    tags::text AS tags, source, estimated
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
		GenericExecuteSpec ready = spec;
		Flux<UsageEvent> events = Flux.defer(() -> {
			Map<String, Map<String, String>> tags = new HashMap<>();
			return ready.map((row) -> lean(row, tags)).all();
		});
		if (order.isEmpty()) {
			return events;
		}
		// an export sorts the whole period: give this one statement the server memory to sort in
		// RAM rather than in temporary files (SET LOCAL ends with its read-only transaction)
		return this.db.sql("SET LOCAL work_mem = '" + SORT_MEMORY + "'").then().thenMany(events)
			.as(this.tx::transactional);
	}

	/** A row of {@link #events}, read by position; tags parsed once per distinct JSON text. */
	private UsageEvent lean(Readable row, Map<String, Map<String, String>> tags) {
		String json = row.get(9, String.class);
		if (tags.size() > 10_000) {
			// tags vary without bound in this query: forget them, so memory stays constant
			tags.clear();
		}
		Map<String, String> parsed = tags.computeIfAbsent(json, (text) -> this.json.readValue(text, TAGS));
		return new UsageEvent(row.get(0, String.class), "", row.get(1, String.class), null, row.get(2, String.class),
				null, row.get(3, String.class), row.get(4, String.class), row.get(5, String.class),
				row.get(6, String.class), row.get(7, BigDecimal.class), row.get(8, Instant.class), parsed,
				source(row.get(10, String.class)), Boolean.TRUE.equals(row.get(11, Boolean.class)));
	}

	/** The tenant's events with {@code from ≤ occurred_at < to}, in time order (for invoices). */
	public Flux<UsageEvent> tenantEvents(String tenantId, Instant from, Instant to) {
		return this.db.sql("""
				SELECT tenant_id, idempotency_key, agent_id, agent_version, session_id, segment, model, region, compute,
				    metric, quantity, occurred_at, tags, source, estimated
				FROM billing.usage_event WHERE tenant_id = :tenantId AND occurred_at >= :from AND occurred_at < :to
				ORDER BY occurred_at, id""")
			.bind("tenantId", tenantId)
			.bind("from", from)
			.bind("to", to)
			.map(this::event)
			.all();
	}

	/** The tenant's events of one session, in time order; none for another tenant's session. */
	Flux<UsageEvent> sessionEvents(String tenantId, String sessionId) {
		return this.db.sql("""
				SELECT tenant_id, idempotency_key, agent_id, agent_version, session_id, segment, model, region, compute,
				    metric, quantity, occurred_at, tags, source, estimated
				FROM billing.usage_event WHERE tenant_id = :tenantId AND session_id = :sessionId
				ORDER BY occurred_at, id""")
			.bind("tenantId", tenantId)
			.bind("sessionId", sessionId)
			.map(this::event)
			.all();
	}

	private UsageEvent event(Readable row) {
		return new UsageEvent(row.get("tenant_id", String.class), row.get("idempotency_key", String.class),
				row.get("agent_id", String.class), row.get("agent_version", Integer.class),
				row.get("session_id", String.class), row.get("segment", Integer.class), row.get("model", String.class),
				row.get("region", String.class), row.get("compute", String.class), row.get("metric", String.class),
				row.get("quantity", BigDecimal.class), row.get("occurred_at", Instant.class),
				this.json.readValue(row.get("tags", Json.class).asString(), TAGS),
				source(row.get("source", String.class)), Boolean.TRUE.equals(row.get("estimated", Boolean.class)));
	}

	/** A source as the ledger stores it ({@code platform} or {@code tenant}). */
	private static UsageSource source(@Nullable String wireName) {
		return UsageSource.TENANT.wireName().equals(wireName) ? UsageSource.TENANT : UsageSource.PLATFORM;
	}

}

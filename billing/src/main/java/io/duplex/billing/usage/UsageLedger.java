package io.duplex.billing.usage;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.duplex.core.id.Ids;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSink;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores usage events in {@code billing.usage_event}; a repeated (tenant, idempotency key) is a
 * no-op, never a double charge, and never overwrites what was recorded first.
 */
@Repository
class UsageLedger implements UsageSink {

	private static final Logger log = LoggerFactory.getLogger(UsageLedger.class);

	/** The column is numeric(20,6): more decimals would be rounded away, more digits would not fit. */
	static final int SCALE = 6;

	static final int INTEGER_DIGITS = 14;

	private static final String SELECT = "SELECT tenant_id, idempotency_key, agent_id, agent_version, session_id, "
			+ "segment, model, region, compute, metric, quantity, occurred_at, tags FROM billing.usage_event";

	private static final TypeReference<Map<String, String>> TAGS = new TypeReference<>() {
	};

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final JsonMapper json;

	UsageLedger(DatabaseClient db, TransactionalOperator tx, JsonMapper json) {
		this.db = db;
		this.tx = tx;
		this.json = json;
	}

	/**
	 * Records the events in one transaction, so a batch is stored whole or not at all and a retry
	 * of it is safe. A repeated key is skipped even when its body differs, with a warning naming
	 * the key.
	 * @return how many events were new; errors with {@link IllegalArgumentException}, storing
	 * nothing, when a quantity has more than six decimals or does not fit the ledger
	 */
	@Override
	public Mono<Integer> record(List<UsageEvent> events) {
		for (UsageEvent event : events) {
			BigDecimal quantity = event.quantity();
			boolean fits = quantity.stripTrailingZeros().scale() <= SCALE
					&& quantity.precision() - quantity.scale() <= INTEGER_DIGITS;
			if (!fits) {
				return Mono.error(new IllegalArgumentException("Usage event " + event.idempotencyKey()
						+ " has quantity " + quantity.toPlainString() + "; the ledger holds at most " + INTEGER_DIGITS
						+ " digits and " + SCALE + " decimals"));
			}
		}
		return Flux.fromIterable(events)
			.concatMap(this::insert)
			.reduce(0, Integer::sum)
			.as(this.tx::transactional);
	}

	/** Inserts one event; 1 when it was new, else 0 after comparing it with the recorded one. */
	private Mono<Integer> insert(UsageEvent event) {
		GenericExecuteSpec insert = this.db.sql("""
				INSERT INTO billing.usage_event (id, tenant_id, idempotency_key, agent_id, agent_version, session_id,
				    segment, model, region, compute, metric, quantity, occurred_at, tags)
				VALUES (:id, :tenantId, :key, :agentId, :agentVersion, :sessionId, :segment, :model, :region, :compute,
				    :metric, :quantity, :occurredAt, :tags)
				ON CONFLICT (tenant_id, idempotency_key) DO NOTHING""")
			.bind("id", Ids.newId("usg"))
			.bind("tenantId", event.tenantId())
			.bind("key", event.idempotencyKey())
			.bind("model", event.model())
			.bind("metric", event.metric())
			.bind("quantity", event.quantity())
			.bind("occurredAt", event.occurredAt())
			.bind("tags", Json.of(this.json.writeValueAsString(event.tags())));
		insert = nullable(insert, "agentId", event.agentId(), String.class);
		insert = nullable(insert, "agentVersion", event.agentVersion(), Integer.class);
		insert = nullable(insert, "sessionId", event.sessionId(), String.class);
		insert = nullable(insert, "segment", event.segment(), Integer.class);
		insert = nullable(insert, "region", event.region(), String.class);
		insert = nullable(insert, "compute", event.compute(), String.class);
		return insert.fetch().rowsUpdated().flatMap((rows) -> (rows == 1) ? Mono.just(1) : repeated(event));
	}

	/** The tenant's recorded events in the order they occurred; empty when it has none. */
	Flux<UsageEvent> events(String tenantId) {
		return this.db.sql(SELECT + " WHERE tenant_id = :tenantId ORDER BY occurred_at, id")
			.bind("tenantId", tenantId)
			.map(this::event)
			.all();
	}

	/** A key already recorded: the first event stands; a different body is worth a warning. */
	private Mono<Integer> repeated(UsageEvent event) {
		return this.db.sql(SELECT + " WHERE tenant_id = :tenantId AND idempotency_key = :key")
			.bind("tenantId", event.tenantId())
			.bind("key", event.idempotencyKey())
			.map(this::event)
			.one()
			.doOnNext((recorded) -> {
				if (!sameBody(recorded, event)) {
					log.warn("Usage event {} of tenant {} repeats a recorded idempotency key with a different body; "
							+ "the recorded event stands", event.idempotencyKey(), event.tenantId());
				}
			})
			.thenReturn(0);
	}

	/** Equal as stored: quantities by value, times to the microsecond. */
	static boolean sameBody(UsageEvent recorded, UsageEvent event) {
		return Objects.equals(recorded.agentId(), event.agentId())
				&& Objects.equals(recorded.agentVersion(), event.agentVersion())
				&& Objects.equals(recorded.sessionId(), event.sessionId())
				&& Objects.equals(recorded.segment(), event.segment()) && recorded.model().equals(event.model())
				&& Objects.equals(recorded.region(), event.region())
				&& Objects.equals(recorded.compute(), event.compute()) && recorded.metric().equals(event.metric())
				&& recorded.quantity().compareTo(event.quantity()) == 0
				&& sameMicrosecond(recorded.occurredAt(), event.occurredAt())
				&& recorded.tags().equals(event.tags());
	}

	private UsageEvent event(Readable row) {
		return new UsageEvent(row.get("tenant_id", String.class), row.get("idempotency_key", String.class),
				row.get("agent_id", String.class), row.get("agent_version", Integer.class),
				row.get("session_id", String.class), row.get("segment", Integer.class), row.get("model", String.class),
				row.get("region", String.class), row.get("compute", String.class), row.get("metric", String.class),
				row.get("quantity", BigDecimal.class), row.get("occurred_at", Instant.class),
				this.json.readValue(row.get("tags", Json.class).asString(), TAGS));
	}

	/** PostgreSQL keeps microseconds, rounding any nanoseconds an event carried. */
	private static boolean sameMicrosecond(Instant recorded, Instant given) {
		return Duration.between(recorded, given).abs().toNanos() < 1000;
	}

	private static <T> GenericExecuteSpec nullable(GenericExecuteSpec spec, String name, @Nullable T value,
			Class<T> type) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, type);
	}

}

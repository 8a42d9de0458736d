package io.duplex.billing.usage;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.duplex.core.id.Ids;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSink;
import io.duplex.core.usage.UsageSource;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores usage events in {@code billing.usage_event}; a repeated (tenant, source, idempotency key)
 * is a no-op, never a double charge, and never overwrites what was recorded first. The source is
 * part of the key: what a tenant reports never takes the place of what the platform metered.
 */
@Repository
class UsageLedger implements UsageSink {

	private static final Logger log = LoggerFactory.getLogger(UsageLedger.class);

	/** The column is numeric(20,6): more decimals would be rounded away, more digits would not fit. */
	static final int SCALE = 6;

	static final int INTEGER_DIGITS = 14;

	private static final String SELECT = "SELECT tenant_id, idempotency_key, agent_id, agent_version, session_id, "
			+ "segment, model, region, compute, metric, quantity, occurred_at, tags, source, estimated "
			+ "FROM billing.usage_event";

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
	 * Records the events in one statement, so a batch is stored whole or not at all and a retry
	 * of it is safe. A repeated key (of the same source) is skipped even when its body differs,
	 * with a warning naming the key. Each event is stored with the source it carries: the
	 * platform's meters pass {@code PLATFORM} events.
	 * @return how many events were new; errors with {@link IllegalArgumentException}, storing
	 * nothing, when a quantity has more than six decimals or does not fit the ledger
	 */
	@Override
	public Mono<Integer> record(List<UsageEvent> events) {
		return write(events, false).map(Recorded::recorded);
	}

	/**
	 * Records the events in one transaction, like {@link #record}, but refuses the whole batch when
	 * one of them repeats a recorded key (or a key earlier in the batch) with a different body.
	 * @return how many events were new and how many repeated a recorded event; errors with
	 * {@link ConflictingUsageException} (storing nothing) on a repeated key with a different body
	 */
	Mono<Recorded> recordStrictly(List<UsageEvent> events) {
		return write(events, true);
	}

	/** How a batch was recorded. */
	record Recorded(int recorded, int duplicates) {
	}

	private Mono<Recorded> write(List<UsageEvent> events, boolean strict) {
		for (UsageEvent event : events) {
			if (!fits(event.quantity())) {
				return Mono.error(new IllegalArgumentException("Usage event " + event.idempotencyKey()
						+ " has quantity " + event.quantity().toPlainString() + "; the ledger holds at most "
						+ INTEGER_DIGITS + " digits and " + SCALE + " decimals"));
			}
		}
		// a key repeated inside the batch is compared with its first occurrence here, so the
		// statement below only ever sees each key once
		Map<List<String>, UsageEvent> firsts = new LinkedHashMap<>();
		List<UsageEvent> repeats = new ArrayList<>();
		for (UsageEvent event : events) {
			UsageEvent first = firsts.putIfAbsent(identity(event), event);
			if (first != null) {
				repeats.add(event);
			}
		}
		List<String> conflicts = new ArrayList<>();
		for (UsageEvent repeat : repeats) {
			if (!sameBody(firsts.get(identity(repeat)), repeat)) {
				conflicts.add(conflict(repeat));
			}
		}
		List<UsageEvent> unique = List.copyOf(firsts.values());
		if (unique.isEmpty()) {
			return Mono.just(new Recorded(0, 0));
		}
		Mono<Recorded> recorded = insert(unique).flatMap((inserted) -> {
			List<UsageEvent> known = unique.stream()
				.filter((event) -> !inserted.contains(identity(event)))
				.toList();
			Mono<List<String>> compared = known.isEmpty() ? Mono.just(List.of()) : compareWithRecorded(known);
			return compared.flatMap((differing) -> {
				List<String> all = new ArrayList<>(conflicts);
				all.addAll(differing);
				if (strict && !all.isEmpty()) {
					return Mono.error(new ConflictingUsageException(all));
				}
				return Mono.just(new Recorded(inserted.size(), known.size() + repeats.size()));
			});
		});
		// one statement stores the batch whole or not at all; only a strict batch, which a later
		// comparison may refuse, needs a transaction around it (and the round trips that costs)
		return strict ? recorded.as(this.tx::transactional) : recorded;
	}

	/** What makes an event unique in the ledger: its tenant, source and key. */
	private static List<String> identity(UsageEvent event) {
		return List.of(event.tenantId(), event.source().wireName(), event.idempotencyKey());
	}

	/**
	 * Inserts events with distinct keys in one statement (arrays unnested server-side: one round
	 * trip per batch, which is what makes bulk ingestion fast).
	 * @return the {@link #identity} of each event that was new
	 */
	private Mono<Set<List<String>>> insert(List<UsageEvent> events) {
		int n = events.size();
		String[] ids = new String[n];
		String[] tenants = new String[n];
		String[] keys = new String[n];
		String[] agents = new String[n];
		String[] versions = new String[n];
		String[] sessions = new String[n];
		String[] segments = new String[n];
		String[] models = new String[n];
		String[] regions = new String[n];
		String[] computes = new String[n];
		String[] metrics = new String[n];
		String[] quantities = new String[n];
		String[] times = new String[n];
		String[] tags = new String[n];
		String[] sources = new String[n];
		Boolean[] estimated = new Boolean[n];
		for (int i = 0; i < n; i++) {
			UsageEvent event = events.get(i);
			ids[i] = Ids.newId("usg");
			tenants[i] = event.tenantId();
			keys[i] = event.idempotencyKey();
			agents[i] = event.agentId();
			versions[i] = (event.agentVersion() != null) ? event.agentVersion().toString() : null;
			sessions[i] = event.sessionId();
			segments[i] = (event.segment() != null) ? event.segment().toString() : null;
			models[i] = event.model();
			regions[i] = event.region();
			computes[i] = event.compute();
			metrics[i] = event.metric();
			quantities[i] = event.quantity().toPlainString();
			times[i] = event.occurredAt().toString();
			tags[i] = this.json.writeValueAsString(event.tags());
			sources[i] = event.source().wireName();
			estimated[i] = event.estimated();
		}
		// the months with usage (which invoices to draft) are noted in the same statement
		return this.db.sql("""
				WITH inserted AS (
				    INSERT INTO billing.usage_event (id, tenant_id, idempotency_key, agent_id, agent_version, session_id,
				        segment, model, region, compute, metric, quantity, occurred_at, tags, source, estimated)
				    SELECT * FROM unnest(:ids::text[], :tenants::text[], :keys::text[], :agents::text[], :versions::int[],
				        :sessions::text[], :segments::int[], :models::text[], :regions::text[], :computes::text[],
				        :metrics::text[], :quantities::numeric[], :times::timestamptz[], :tags::jsonb[], :sources::text[],
				        :estimated::boolean[])
				    ON CONFLICT (tenant_id, source, idempotency_key) DO NOTHING
				    RETURNING tenant_id, source, idempotency_key, occurred_at),
				months AS (
				    INSERT INTO billing.usage_month (tenant_id, month)
				    SELECT DISTINCT tenant_id, (date_trunc('month', occurred_at AT TIME ZONE 'UTC'))::date FROM inserted
				    ORDER BY 1, 2
				    ON CONFLICT (tenant_id, month) DO NOTHING)
				SELECT tenant_id, source, idempotency_key FROM inserted""")
			.bind("ids", ids)
			.bind("tenants", tenants)
			.bind("keys", keys)
			.bind("agents", agents)
			.bind("versions", versions)
			.bind("sessions", sessions)
			.bind("segments", segments)
			.bind("models", models)
			.bind("regions", regions)
			.bind("computes", computes)
			.bind("metrics", metrics)
			.bind("quantities", quantities)
			.bind("times", times)
			.bind("tags", tags)
			.bind("sources", sources)
			.bind("estimated", estimated)
			.map((row) -> List.of(row.get("tenant_id", String.class), row.get("source", String.class),
					row.get("idempotency_key", String.class)))
			.all()
			.collect(Collectors.toSet());
	}

	/** Compares events whose key was already recorded with what was recorded; the keys whose body differs. */
	private Mono<List<String>> compareWithRecorded(List<UsageEvent> known) {
		return Flux.fromIterable(known)
			.groupBy((event) -> List.of(event.tenantId(), event.source().wireName()))
			.flatMap((byTenant) -> byTenant.collectList()
				.flatMapMany((list) -> this.db
					.sql(SELECT + " WHERE tenant_id = :tenantId AND source = :source AND idempotency_key = ANY(:keys)")
					.bind("tenantId", byTenant.key().get(0))
					.bind("source", byTenant.key().get(1))
					.bind("keys", list.stream().map(UsageEvent::idempotencyKey).toArray(String[]::new))
					.map(this::event)
					.all()
					.collectMap(UsageEvent::idempotencyKey)
					.flatMapIterable((recorded) -> list.stream()
						.filter((event) -> recorded.containsKey(event.idempotencyKey())
								&& !sameBody(recorded.get(event.idempotencyKey()), event))
						.map(UsageLedger::conflict)
						.toList())))
			.collectList();
	}

	/** Logs a repeated key with a different body; the event recorded first stands. */
	private static String conflict(UsageEvent event) {
		log.warn("Usage event {} of tenant {} repeats a recorded idempotency key with a different body; "
				+ "the recorded event stands (source {})", event.idempotencyKey(), event.tenantId(),
				event.source().wireName());
		return event.idempotencyKey();
	}

	static boolean fits(BigDecimal quantity) {
		return quantity.stripTrailingZeros().scale() <= SCALE
				&& quantity.precision() - quantity.scale() <= INTEGER_DIGITS;
	}

	/** The tenant's recorded events (both sources) in the order they occurred; empty when it has none. */
	Flux<UsageEvent> events(String tenantId) {
		return this.db.sql(SELECT + " WHERE tenant_id = :tenantId ORDER BY occurred_at, id")
			.bind("tenantId", tenantId)
			.map(this::event)
			.all();
	}

	/** Equal as stored: quantities by value, times to the microsecond (the source is part of the key). */
	static boolean sameBody(UsageEvent recorded, UsageEvent event) {
		return Objects.equals(recorded.agentId(), event.agentId())
				&& Objects.equals(recorded.agentVersion(), event.agentVersion())
				&& Objects.equals(recorded.sessionId(), event.sessionId())
				&& Objects.equals(recorded.segment(), event.segment()) && recorded.model().equals(event.model())
				&& Objects.equals(recorded.region(), event.region())
				&& Objects.equals(recorded.compute(), event.compute()) && recorded.metric().equals(event.metric())
				&& recorded.quantity().compareTo(event.quantity()) == 0
				&& sameMicrosecond(recorded.occurredAt(), event.occurredAt())
				&& recorded.tags().equals(event.tags()) && recorded.estimated() == event.estimated();
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

	/** A source as the ledger stores it. */
	static UsageSource source(@Nullable String wireName) {
		for (UsageSource source : UsageSource.values()) {
			if (source.wireName().equals(wireName)) {
				return source;
			}
		}
		throw new IllegalStateException("Unknown usage source in the ledger: " + wireName);
	}

	/** PostgreSQL keeps microseconds, rounding any nanoseconds an event carried. */
	private static boolean sameMicrosecond(Instant recorded, Instant given) {
		return Duration.between(recorded, given).abs().toNanos() < 1000;
	}

}

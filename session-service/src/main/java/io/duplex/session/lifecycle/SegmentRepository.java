package io.duplex.session.lifecycle;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Mono;

/**
 * Hand SQL over {@code realtime.session_segment}: a session's upstream segments, started, ended
 * and read back. Every statement filters by tenant.
 */
@Repository
public class SegmentRepository {

	private final DatabaseClient db;

	SegmentRepository(DatabaseClient db) {
		this.db = db;
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

}

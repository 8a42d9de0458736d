package io.duplex.session.latency;

import java.time.Instant;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads the latency of each response from {@code realtime.response_latency} (the session's record
 * writes it with the response's usage); every statement filters by tenant.
 */
@Repository
public class ResponseLatencies {

	private final DatabaseClient db;

	ResponseLatencies(DatabaseClient db) {
		this.db = db;
	}

	/** The session's responses in the order they ended; empty when there are none. */
	Flux<ResponseLatency> ofSession(String tenantId, String sessionId) {
		return this.db.sql("SELECT * FROM realtime.response_latency WHERE tenant_id = :tenantId "
				+ "AND session_id = :sessionId ORDER BY created_at, response_id")
			.bind("tenantId", tenantId)
			.bind("sessionId", sessionId)
			.map(ResponseLatencies::latency)
			.all();
	}

	/** The latency figures of the session's responses so far; zero responses when it has none. */
	public Mono<LatencySummary> summary(String tenantId, String sessionId) {
		return ofSession(tenantId, sessionId).collectList().map(LatencySummary::of);
	}

	/** Whether the tenant has the session. */
	Mono<Boolean> sessionExists(String tenantId, String sessionId) {
		return this.db.sql("SELECT 1 FROM realtime.session WHERE tenant_id = :tenantId AND id = :id")
			.bind("tenantId", tenantId)
			.bind("id", sessionId)
			.map((row) -> true)
			.one()
			.defaultIfEmpty(false);
	}

	private static ResponseLatency latency(Readable row) {
		return new ResponseLatency(row.get("tenant_id", String.class), row.get("session_id", String.class),
				row.get("response_id", String.class), row.get("segment", Integer.class),
				row.get("user_item_id", String.class), row.get("status", String.class),
				row.get("voice_to_voice_ms", Integer.class), row.get("provider_first_byte_ms", Integer.class),
				row.get("first_audio_ms", Integer.class), row.get("stt_ms", Integer.class),
				row.get("llm_first_token_ms", Integer.class), row.get("tts_first_byte_ms", Integer.class),
				row.get("created_at", Instant.class));
	}

}

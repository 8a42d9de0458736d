package io.duplex.session.latency;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The latency of each response, in {@code realtime.response_latency}; every statement filters by tenant. */
@Repository
public class ResponseLatencies {

	private final DatabaseClient db;

	ResponseLatencies(DatabaseClient db) {
		this.db = db;
	}

	/** Stores a response's figures once; a repeat, or a session the tenant does not have, stores nothing. */
	public Mono<Void> record(ResponseLatency latency) {
		GenericExecuteSpec insert = this.db.sql("""
				INSERT INTO realtime.response_latency (response_id, session_id, tenant_id, segment, user_item_id, status,
				    voice_to_voice_ms, provider_first_byte_ms, first_audio_ms, stt_ms, llm_first_token_ms,
				    tts_first_byte_ms, created_at)
				SELECT :responseId, s.id, s.tenant_id, :segment, :userItemId, :status, :voiceToVoice, :firstByte,
				    :firstAudio, :stt, :llm, :tts, :createdAt
				FROM realtime.session s WHERE s.tenant_id = :tenantId AND s.id = :sessionId
				ON CONFLICT (session_id, response_id) DO NOTHING""")
			.bind("responseId", latency.responseId())
			.bind("sessionId", latency.sessionId())
			.bind("tenantId", latency.tenantId())
			.bind("segment", latency.segment())
			.bind("status", latency.status())
			.bind("createdAt", latency.occurredAt());
		insert = nullable(insert, "userItemId", latency.userItemId(), String.class);
		insert = nullable(insert, "voiceToVoice", latency.voiceToVoiceMs(), Integer.class);
		insert = nullable(insert, "firstByte", latency.providerFirstByteMs(), Integer.class);
		insert = nullable(insert, "firstAudio", latency.firstAudioMs(), Integer.class);
		insert = nullable(insert, "stt", latency.sttMs(), Integer.class);
		insert = nullable(insert, "llm", latency.llmFirstTokenMs(), Integer.class);
		insert = nullable(insert, "tts", latency.ttsFirstByteMs(), Integer.class);
		return insert.then();
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

	private static <T> GenericExecuteSpec nullable(GenericExecuteSpec spec, String name, @Nullable T value,
			Class<T> type) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, type);
	}

}

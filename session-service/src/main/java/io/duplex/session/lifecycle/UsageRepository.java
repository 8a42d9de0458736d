package io.duplex.session.lifecycle;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.duplex.session.latency.ResponseLatency;
import reactor.core.publisher.Mono;

/**
 * Hand SQL of a session's usage totals over {@code realtime.session}, with the receipts that make
 * each delta count once ({@code realtime.response_latency}, {@code realtime.session_usage_applied}).
 * Every statement filters by tenant.
 */
@Repository
class UsageRepository {

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

	private final DatabaseClient db;

	UsageRepository(DatabaseClient db) {
		this.db = db;
	}

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

	private static <T> DatabaseClient.GenericExecuteSpec nullable(DatabaseClient.GenericExecuteSpec spec, String name,
			@Nullable T value, Class<T> type) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, type);
	}

}

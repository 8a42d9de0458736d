package io.duplex.core.usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One measured quantity, immutable once recorded.
 * @param idempotencyKey unique per tenant: a repeat is a no-op (e.g. {@code sess_…:resp_…:output_audio_tokens})
 * @param metric e.g. {@code input_audio_tokens}, {@code output_text_tokens}, {@code session_seconds}
 * @param segment the upstream segment of the session (1 before any rollover)
 * @param tags the agent's metadata tags, carried into reports
 * @param source who measured it: the platform's own meter or the tenant's report; keys of one
 * source never collide with the other's
 * @param estimated whether the quantity was estimated from what was produced, because the
 * provider reported no usage for it (a response cut off before its end)
 */
public record UsageEvent(String tenantId, String idempotencyKey, @Nullable String agentId,
		@Nullable Integer agentVersion, @Nullable String sessionId, @Nullable Integer segment, String model,
		@Nullable String region, @Nullable String compute, String metric, BigDecimal quantity, Instant occurredAt,
		Map<String, String> tags, UsageSource source, boolean estimated) {

	/** An event the platform measured itself, as the provider reported it. */
	public UsageEvent(String tenantId, String idempotencyKey, @Nullable String agentId,
			@Nullable Integer agentVersion, @Nullable String sessionId, @Nullable Integer segment, String model,
			@Nullable String region, @Nullable String compute, String metric, BigDecimal quantity, Instant occurredAt,
			Map<String, String> tags) {
		this(tenantId, idempotencyKey, agentId, agentVersion, sessionId, segment, model, region, compute, metric,
				quantity, occurredAt, tags, UsageSource.PLATFORM, false);
	}

	/** Text tokens a model read, not served from its prompt cache (and the other token metrics a response reports). */
	public static final String INPUT_TEXT_TOKENS = "input_text_tokens";

	public static final String INPUT_AUDIO_TOKENS = "input_audio_tokens";

	public static final String CACHED_INPUT_TEXT_TOKENS = "cached_input_text_tokens";

	public static final String CACHED_INPUT_AUDIO_TOKENS = "cached_input_audio_tokens";

	public static final String OUTPUT_TEXT_TOKENS = "output_text_tokens";

	public static final String OUTPUT_AUDIO_TOKENS = "output_audio_tokens";

	/** Seconds a session was open (from its socket's start to its end); the platform fee is per minute of it. */
	public static final String SESSION_SECONDS = "session_seconds";

	/** Seconds a session held a slot of its compute pool; priced per minute and per pool. */
	public static final String COMPUTE_SECONDS = "compute_seconds";

	/** Seconds of audio a speech-to-text model transcribed. */
	public static final String STT_SECONDS = "stt_seconds";

	/** Characters a text-to-speech model synthesised. */
	public static final String TTS_CHARACTERS = "tts_characters";

}

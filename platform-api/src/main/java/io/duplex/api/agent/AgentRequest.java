package io.duplex.api.agent;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/**
 * An agent's configuration as a client writes it: the body of a create, and the result of
 * applying a merge patch to the current configuration. A missing or {@code null} field takes its
 * default; {@link AgentValidator} fills the defaults in and checks every rule.
 * @param name required, at most 128 characters
 * @param model a model of the catalog (default {@code sandbox})
 * @param voice one of the model's voices (default: its first)
 * @param instructions the system prompt, at most 32768 characters (default empty)
 * @param tools functions the model may call, at most 128 (default none)
 * @param toolChoice {@code auto} (default), {@code none}, {@code required}, or {@code {type: "function", name}}
 * @param turnDetection default {@code server_vad} with threshold 0.5, 300 ms prefix padding, 500 ms silence
 * @param inputAudioTranscription default enabled, platform's choice of model, language detected
 * @param outputModalities {@code ["audio"]} (default) or {@code ["text"]}
 * @param maxOutputTokens per response, 1 to 4096; default {@code null}: no limit
 * @param region a region of the catalog that offers the model (default {@code us-east})
 * @param compute a pool of the region the model runs on (default: the model's first pool in the region)
 * @param rollover default: after 900 s (or 30 s before the model's limit if sooner), full context,
 * at most 8000 tokens (or the model's context window if smaller)
 * @param memory default: conversations may be continued by later sessions
 * @param sessionOverrides which of {@code instructions}, {@code tools}, {@code tool_choice},
 * {@code model}, {@code voice} a client's {@code session.update} may change (default none)
 * @param metadata up to 16 string pairs; keys up to 64 characters, values up to 512
 */
record AgentRequest(@Nullable String name, @Nullable String model, @Nullable String voice,
		@Nullable String instructions, @Nullable List<ToolRequest> tools,
		@Schema(types = { "string", "object" },
				description = "auto, none, required, or {type: function, name}") @Nullable JsonNode toolChoice,
		@Nullable TurnDetectionRequest turnDetection, @Nullable TranscriptionRequest inputAudioTranscription,
		@Nullable List<String> outputModalities, @Nullable Integer maxOutputTokens, @Nullable String region,
		@Nullable String compute, @Nullable RolloverRequest rollover, @Nullable MemoryRequest memory,
		@Nullable List<String> sessionOverrides, @Nullable Map<String, String> metadata) {

	/**
	 * A function tool.
	 * @param type {@code function} (the default, and the only type)
	 * @param name 1 to 64 letters, digits, {@code _} or {@code -}; unique among the agent's tools
	 * @param description at most 1024 characters
	 * @param parameters a JSON Schema (draft 2020-12) with {@code type: object} at the top
	 * (default: an object without properties)
	 */
	record ToolRequest(@Nullable String type, @Nullable String name, @Nullable String description,
			@Schema(implementation = Object.class,
					description = "JSON Schema of the arguments") @Nullable JsonNode parameters) {
	}

	/**
	 * Turn detection; which fields apply depends on {@code type}.
	 * @param type {@code server_vad} (default), {@code semantic_vad} or {@code none}
	 * @param threshold server_vad: 0 to 1 (default 0.5)
	 * @param prefixPaddingMs server_vad: audio kept before speech starts, 0 to 5000 (default 300)
	 * @param silenceDurationMs server_vad: silence that ends a turn, 100 to 10000 (default 500)
	 * @param eagerness semantic_vad: {@code low}, {@code medium}, {@code high} or {@code auto} (default)
	 * @param createResponse respond when the turn ends (default true; not for none)
	 * @param interruptResponse cancel the response when the user speaks over it (default true; not for none)
	 */
	record TurnDetectionRequest(@Nullable String type, @Nullable Double threshold, @Nullable Integer prefixPaddingMs,
			@Nullable Integer silenceDurationMs, @Nullable String eagerness, @Nullable Boolean createResponse,
			@Nullable Boolean interruptResponse) {
	}

	/**
	 * Transcription of the user's speech.
	 * @param enabled default true
	 * @param model a transcription model id; {@code null} lets the platform choose
	 * @param language an ISO-639 code such as {@code en} or {@code pt-BR}; {@code null} to detect it
	 */
	record TranscriptionRequest(@Nullable Boolean enabled, @Nullable String model, @Nullable String language) {
	}

	/**
	 * Rollover onto a fresh upstream session.
	 * @param afterSeconds 5 to the model's session limit minus 30
	 * @param carry {@code full} or {@code summary}
	 * @param maxCarriedTokens 1 to the model's context window
	 */
	record RolloverRequest(@Nullable Integer afterSeconds, @Nullable String carry,
			@Nullable Integer maxCarriedTokens) {
	}

	/**
	 * Conversation memory.
	 * @param continueConversations default true
	 */
	record MemoryRequest(@Nullable Boolean continueConversations) {
	}

}

package io.duplex.api.agent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/**
 * An agent's complete configuration with every default filled in and every rule checked
 * ({@link AgentValidator}): what one agent version stores, as jsonb, and what a session of the
 * agent is configured with. Field meanings and defaults are documented on {@link AgentRequest}.
 * @param voice {@code null} only for a model that has no voices
 * @param maxOutputTokens {@code null} for no limit
 */
record AgentConfig(String name, String model, @Nullable String voice, String instructions, List<Tool> tools,
		@Schema(types = { "string", "object" },
				description = "auto, none, required, or {type: function, name}") ToolChoice toolChoice,
		TurnDetection turnDetection, InputAudioTranscription inputAudioTranscription,
		List<String> outputModalities, @Nullable Integer maxOutputTokens, String region, String compute,
		Rollover rollover, Memory memory, List<String> sessionOverrides, Map<String, String> metadata) {

	AgentConfig {
		tools = List.copyOf(tools);
		outputModalities = List.copyOf(outputModalities);
		sessionOverrides = List.copyOf(sessionOverrides);
		// keeps the client's key order, which Map.copyOf would not
		metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
	}

	/**
	 * A function the model may call.
	 * @param parameters a JSON Schema (draft 2020-12) of the arguments, with {@code type: object}
	 */
	record Tool(String type, String name, String description,
			@Schema(implementation = Object.class, description = "JSON Schema of the arguments") JsonNode parameters) {
	}

	/**
	 * Whether and which tools the model calls: {@code auto}, {@code none}, {@code required}, or one
	 * function by name. On the wire a string, or {@code {type: "function", name}}.
	 * @param name the function, when {@code type} is {@code function}
	 */
	@Schema(types = { "string", "object" }, description = "auto, none, required, or {type: function, name}")
	record ToolChoice(String type, @Nullable String name) {

		static final ToolChoice AUTO = new ToolChoice("auto", null);

		static final String FUNCTION = "function";

		@JsonValue
		Object wire() {
			if (this.name == null) {
				return this.type;
			}
			Map<String, String> object = new LinkedHashMap<>();
			object.put("type", this.type);
			object.put("name", this.name);
			return object;
		}

		/** Reads a stored value, which {@link AgentValidator} checked when it was written. */
		@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
		static ToolChoice read(JsonNode node) {
			if (node.isString()) {
				return new ToolChoice(node.stringValue(), null);
			}
			return new ToolChoice(node.path("type").asString(FUNCTION), node.path("name").asString(null));
		}

	}

	/**
	 * When the user's turn ends: {@code server_vad} (voice activity with the thresholds here),
	 * {@code semantic_vad} (a model judges when the user is done, with {@code eagerness}) or
	 * {@code none} (the client commits the audio itself). Fields that do not apply to the type are
	 * left out.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record TurnDetection(String type, @Nullable Double threshold, @Nullable Integer prefixPaddingMs,
			@Nullable Integer silenceDurationMs, @Nullable String eagerness, @Nullable Boolean createResponse,
			@Nullable Boolean interruptResponse) {

		static final String SERVER_VAD = "server_vad";

		static final String SEMANTIC_VAD = "semantic_vad";

		static final String NONE = "none";

	}

	/**
	 * Whether the user's speech is transcribed into the conversation.
	 * @param model the transcription model; {@code null} lets the platform choose
	 * @param language ISO-639 code that helps the transcriber; {@code null} to detect it
	 */
	record InputAudioTranscription(boolean enabled, @Nullable String model, @Nullable String language) {
	}

	/**
	 * How a session moves onto a fresh upstream session before the model's hard limit.
	 * @param afterSeconds roll over after this long on one upstream session (at the next idle moment)
	 * @param carry {@code full} (the conversation as text, trimmed to fit) or {@code summary}
	 * @param maxCarriedTokens at most this many tokens of context are carried over
	 */
	record Rollover(int afterSeconds, String carry, int maxCarriedTokens) {
	}

	/**
	 * Conversation memory.
	 * @param continueConversations whether a new session may continue an earlier conversation
	 */
	record Memory(boolean continueConversations) {
	}

}

package io.duplex.api.agent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/**
 * An agent's complete configuration with every default filled in and every rule checked
 * ({@link AgentValidator}): what one agent version stores, as jsonb, and what a session of the
 * agent is configured with. Field meanings are documented on {@link AgentRequest}; the defaults
 * are the port's ({@link Port}), which is what other modules read ({@link #toPort()}).
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
		// a version stored before a section existed reads with the section's defaults
		instructions = Objects.requireNonNullElse(instructions, io.duplex.core.agent.AgentConfig.DEFAULT_INSTRUCTIONS);
		tools = List.copyOf(Objects.requireNonNullElse(tools, List.of()));
		toolChoice = Objects.requireNonNullElse(toolChoice, ToolChoice.AUTO);
		turnDetection = Objects.requireNonNullElseGet(turnDetection, TurnDetections::serverVadDefaults);
		inputAudioTranscription = Objects.requireNonNullElseGet(inputAudioTranscription,
				() -> InputAudioTranscription.from(io.duplex.core.agent.AgentConfig.InputAudioTranscription.DEFAULT));
		outputModalities = List.copyOf(
				Objects.requireNonNullElse(outputModalities, io.duplex.core.agent.AgentConfig.DEFAULT_OUTPUT_MODALITIES));
		memory = Objects.requireNonNullElseGet(memory,
				() -> new Memory(io.duplex.core.agent.AgentConfig.Memory.DEFAULT.continueConversations()));
		sessionOverrides = List.copyOf(Objects.requireNonNullElse(sessionOverrides, List.of()));
		// keeps the client's key order, which Map.copyOf would not
		metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNullElse(metadata, Map.of())));
	}

	/**
	 * This configuration with {@code rollover} in place of a policy it does not have (a version
	 * stored without one); a configuration that has one is returned as it is.
	 */
	AgentConfig withRolloverIfAbsent(Supplier<Rollover> rollover) {
		if (this.rollover != null) {
			return this;
		}
		return new AgentConfig(this.name, this.model, this.voice, this.instructions, this.tools, this.toolChoice,
				this.turnDetection, this.inputAudioTranscription, this.outputModalities, this.maxOutputTokens,
				this.region, this.compute, rollover.get(), this.memory, this.sessionOverrides, this.metadata);
	}

	/** The same configuration as the port other modules read ({@link io.duplex.core.agent.AgentSnapshot}). */
	io.duplex.core.agent.AgentConfig toPort() {
		Rollover policy = Objects.requireNonNull(this.rollover, "rollover");
		TurnDetection turns = this.turnDetection;
		InputAudioTranscription transcription = this.inputAudioTranscription;
		return new io.duplex.core.agent.AgentConfig(this.name, this.model, this.voice, this.instructions,
				this.tools.stream()
					.map((tool) -> new io.duplex.core.agent.AgentConfig.Tool(tool.type(), tool.name(),
							tool.description(), tool.parameters()))
					.toList(),
				new io.duplex.core.agent.AgentConfig.ToolChoice(this.toolChoice.type(), this.toolChoice.name()),
				new io.duplex.core.agent.AgentConfig.TurnDetection(turns.type(), turns.threshold(), turns.prefixPaddingMs(),
						turns.silenceDurationMs(), turns.eagerness(), turns.createResponse(), turns.interruptResponse()),
				new io.duplex.core.agent.AgentConfig.InputAudioTranscription(transcription.enabled(), transcription.model(),
						transcription.language()),
				this.outputModalities, this.maxOutputTokens, this.region, this.compute,
				new io.duplex.core.agent.AgentConfig.Rollover(policy.afterSeconds(), policy.carry(), policy.maxCarriedTokens()),
				new io.duplex.core.agent.AgentConfig.Memory(this.memory.continueConversations()), this.sessionOverrides,
				this.metadata);
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

		static final ToolChoice AUTO = new ToolChoice(io.duplex.core.agent.AgentConfig.ToolChoice.AUTO.type(), null);

		static final String FUNCTION = io.duplex.core.agent.AgentConfig.Tool.FUNCTION;

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

		static final String SERVER_VAD = io.duplex.core.agent.AgentConfig.TurnDetection.SERVER_VAD;

		static final String SEMANTIC_VAD = io.duplex.core.agent.AgentConfig.TurnDetection.SEMANTIC_VAD;

		static final String NONE = io.duplex.core.agent.AgentConfig.TurnDetection.NONE;

	}

	/**
	 * Whether the user's speech is transcribed into the conversation.
	 * @param model the transcription model; {@code null} lets the platform choose
	 * @param language ISO-639 code that helps the transcriber; {@code null} to detect it
	 */
	record InputAudioTranscription(boolean enabled, @Nullable String model, @Nullable String language) {

		static InputAudioTranscription from(io.duplex.core.agent.AgentConfig.InputAudioTranscription port) {
			return new InputAudioTranscription(port.enabled(), port.model(), port.language());
		}

	}

	/**
	 * How a session moves onto a fresh upstream session before the model's hard limit.
	 * @param afterSeconds roll over after this long on one upstream session (at the next idle moment)
	 * @param carry {@code full} (the conversation as text, trimmed to fit) or {@code summary}
	 * @param maxCarriedTokens at most this many tokens of context are carried over
	 */
	record Rollover(int afterSeconds, String carry, int maxCarriedTokens) {

		static Rollover from(io.duplex.core.agent.AgentConfig.Rollover port) {
			return new Rollover(port.afterSeconds(), port.carry(), port.maxCarriedTokens());
		}

	}

	/**
	 * Conversation memory.
	 * @param continueConversations whether a new session may continue an earlier conversation
	 */
	record Memory(boolean continueConversations) {
	}

}

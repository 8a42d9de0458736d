package io.duplex.core.agent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One agent version's complete, validated configuration as a session starts from it, with every
 * default the control plane applies kept here: the control plane fills them in when an agent is
 * written and when a version stored without a section is read, and sessions read only this record.
 * @param voice {@code null} only for a model that has no voices
 * @param maxOutputTokens {@code null} for no limit
 * @param sessionOverrides the fields ({@link #OVERRIDABLE}) a client may set for one session
 * @param metadata the agent's tags, in the order they were written
 */
public record AgentConfig(String name, String model, @Nullable String voice, String instructions, List<Tool> tools,
		ToolChoice toolChoice, TurnDetection turnDetection, InputAudioTranscription inputAudioTranscription,
		List<String> outputModalities, @Nullable Integer maxOutputTokens, String region, String compute,
		Rollover rollover, Memory memory, List<String> sessionOverrides, Map<String, String> metadata) {

	/** The model of an agent that names none. */
	public static final String DEFAULT_MODEL = "sandbox";

	/** The region of an agent that names none. */
	public static final String DEFAULT_REGION = "us-east";

	/** The instructions of an agent that has none. */
	public static final String DEFAULT_INSTRUCTIONS = "";

	/** What the model answers with unless the agent says otherwise. */
	public static final List<String> DEFAULT_OUTPUT_MODALITIES = List.of("audio");

	/** The fields an agent may free for clients to set, in {@code session_overrides}. */
	public static final List<String> OVERRIDABLE = List.of("instructions", "tools", "tool_choice", "model", "voice");

	public AgentConfig {
		tools = List.copyOf(tools);
		outputModalities = List.copyOf(outputModalities);
		sessionOverrides = List.copyOf(sessionOverrides);
		// keeps the agent's key order, which Map.copyOf would not
		metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
	}

	/** Whether the agent lets a client set {@code field} (one of {@link #OVERRIDABLE}). */
	public boolean frees(String field) {
		return this.sessionOverrides.contains(field);
	}

	/**
	 * This configuration with the fields a client set for one session in their stored form, the
	 * agent's own JSON shape: {@code instructions}, {@code tools}, {@code tool_choice},
	 * {@code voice}; other fields are not overridable and are ignored.
	 */
	public AgentConfig withOverrides(JsonNode overrides) {
		String voice = overrides.path("voice").isString() ? overrides.get("voice").asString() : this.voice;
		String instructions = overrides.path("instructions").isString() ? overrides.get("instructions").asString()
				: this.instructions;
		List<Tool> tools = this.tools;
		if (overrides.path("tools").isArray()) {
			tools = overrides.get("tools").valueStream().map(Tool::fromJson).toList();
		}
		ToolChoice toolChoice = overrides.has("tool_choice") ? ToolChoice.fromJson(overrides.get("tool_choice"))
				: this.toolChoice;
		return new AgentConfig(this.name, this.model, voice, instructions, tools, toolChoice, this.turnDetection,
				this.inputAudioTranscription, this.outputModalities, this.maxOutputTokens, this.region, this.compute,
				this.rollover, this.memory, this.sessionOverrides, this.metadata);
	}

	/**
	 * A function the model may call.
	 * @param type always {@value #FUNCTION}
	 * @param parameters a JSON Schema (draft 2020-12) of the arguments, with {@code type: object}
	 */
	public record Tool(String type, String name, String description, JsonNode parameters) {

		public static final String FUNCTION = "function";

		/** The description of a tool that has none. */
		public static final String DEFAULT_DESCRIPTION = "";

		/** The arguments of a tool that declares none: an empty object. */
		public static ObjectNode defaultParameters() {
			ObjectNode schema = JsonNodeFactory.instance.objectNode();
			schema.put("type", "object");
			schema.set("properties", JsonNodeFactory.instance.objectNode());
			return schema;
		}

		/** The tool as the API and the Realtime protocol write it: {@code {type, name, description, parameters}}. */
		public ObjectNode toJson() {
			ObjectNode tool = JsonNodeFactory.instance.objectNode();
			tool.put("type", this.type);
			tool.put("name", this.name);
			tool.put("description", this.description);
			tool.set("parameters", this.parameters.deepCopy());
			return tool;
		}

		static Tool fromJson(JsonNode tool) {
			JsonNode parameters = tool.path("parameters");
			return new Tool(tool.path("type").asString(FUNCTION), tool.path("name").asString(),
					tool.path("description").asString(DEFAULT_DESCRIPTION),
					parameters.isObject() ? parameters.deepCopy() : defaultParameters());
		}

	}

	/**
	 * Whether and which tools the model calls: {@code auto}, {@code none}, {@code required}, or one
	 * function by name.
	 * @param type a mode of {@link AgentLimits#TOOL_CHOICE_MODES}, or {@value Tool#FUNCTION}
	 * @param name the function, when {@code type} is {@value Tool#FUNCTION}
	 */
	public record ToolChoice(String type, @Nullable String name) {

		/** The choice of an agent that makes none: the model decides. */
		public static final ToolChoice AUTO = new ToolChoice("auto", null);

		/** The wire form: the mode as a string, or {@code {type: "function", name}}. */
		public JsonNode toJson() {
			if (this.name == null) {
				return JsonNodeFactory.instance.stringNode(this.type);
			}
			return JsonNodeFactory.instance.objectNode().put("type", this.type).put("name", this.name);
		}

		/** Reads the wire form; a value that is neither ({@code null}) is {@link #AUTO}. */
		public static ToolChoice fromJson(JsonNode choice) {
			if (choice.isString()) {
				return new ToolChoice(choice.asString(), null);
			}
			if (choice.isObject()) {
				return new ToolChoice(choice.path("type").asString(Tool.FUNCTION), choice.path("name").asString(null));
			}
			return AUTO;
		}

	}

	/**
	 * When the user's turn ends: {@value #SERVER_VAD} (voice activity with the thresholds here),
	 * {@value #SEMANTIC_VAD} (a model judges when the user is done, with {@code eagerness}) or
	 * {@value #NONE} (the client commits the audio itself). Fields that do not apply to the type
	 * are {@code null}.
	 */
	public record TurnDetection(String type, @Nullable Double threshold, @Nullable Integer prefixPaddingMs,
			@Nullable Integer silenceDurationMs, @Nullable String eagerness, @Nullable Boolean createResponse,
			@Nullable Boolean interruptResponse) {

		public static final String SERVER_VAD = "server_vad";

		public static final String SEMANTIC_VAD = "semantic_vad";

		public static final String NONE = "none";

		/** Server VAD's defaults are OpenAI's documented ones. */
		public static final double DEFAULT_THRESHOLD = 0.5;

		public static final int DEFAULT_PREFIX_PADDING_MS = 300;

		public static final int DEFAULT_SILENCE_DURATION_MS = 500;

		/** Semantic VAD's default eagerness. */
		public static final String DEFAULT_EAGERNESS = "auto";

		/** Whether a turn's end starts a response, and speech interrupts one, unless the agent says otherwise. */
		public static final boolean DEFAULT_CREATE_RESPONSE = true;

		public static final boolean DEFAULT_INTERRUPT_RESPONSE = true;

		/** The turn detection of an agent that configures none: server VAD with its defaults. */
		public static TurnDetection defaults() {
			return new TurnDetection(SERVER_VAD, DEFAULT_THRESHOLD, DEFAULT_PREFIX_PADDING_MS,
					DEFAULT_SILENCE_DURATION_MS, null, DEFAULT_CREATE_RESPONSE, DEFAULT_INTERRUPT_RESPONSE);
		}

		/** Whether the client commits turns itself. */
		public boolean none() {
			return NONE.equals(this.type);
		}

		/** The wire form, snake_case, with the fields that do not apply left out. */
		public ObjectNode toJson() {
			ObjectNode turns = JsonNodeFactory.instance.objectNode();
			turns.put("type", this.type);
			if (this.threshold != null) {
				turns.put("threshold", this.threshold);
			}
			if (this.prefixPaddingMs != null) {
				turns.put("prefix_padding_ms", this.prefixPaddingMs);
			}
			if (this.silenceDurationMs != null) {
				turns.put("silence_duration_ms", this.silenceDurationMs);
			}
			if (this.eagerness != null) {
				turns.put("eagerness", this.eagerness);
			}
			if (this.createResponse != null) {
				turns.put("create_response", this.createResponse);
			}
			if (this.interruptResponse != null) {
				turns.put("interrupt_response", this.interruptResponse);
			}
			return turns;
		}

	}

	/**
	 * Whether the user's speech is transcribed into the conversation.
	 * @param model the transcription model; {@code null} lets the platform choose (the agent's model)
	 * @param language ISO-639 code that helps the transcriber; {@code null} to detect it
	 */
	public record InputAudioTranscription(boolean enabled, @Nullable String model, @Nullable String language) {

		/** The transcription of an agent that configures none: on, the platform choosing model and language. */
		public static final InputAudioTranscription DEFAULT = new InputAudioTranscription(true, null, null);

	}

	/**
	 * How a session moves onto a fresh upstream session before the model's hard limit.
	 * @param afterSeconds roll over after this long on one upstream session (at the next idle
	 * moment), between {@value #MIN_AFTER_SECONDS} and {@link #latestSeconds(int)}
	 * @param carry {@value #FULL} (the conversation as text, trimmed to fit) or {@value #SUMMARY}
	 * @param maxCarriedTokens at most this many tokens of context are carried over, at most the
	 * model's context window
	 */
	public record Rollover(int afterSeconds, String carry, int maxCarriedTokens) {

		public static final String FULL = "full";

		public static final String SUMMARY = "summary";

		/** The least time on one upstream session before a rollover. */
		public static final int MIN_AFTER_SECONDS = 5;

		/**
		 * How long before the model's session limit a rollover happens at the latest: the time a
		 * switch needs (open the next upstream, seed it, replay what was held).
		 */
		public static final int MARGIN_SECONDS = 30;

		/** {@code after_seconds} unless the agent says otherwise (or the model's cap is closer). */
		public static final int DEFAULT_AFTER_SECONDS = 900;

		public static final String DEFAULT_CARRY = FULL;

		/** {@code max_carried_tokens} unless the agent says otherwise (or the model's window is smaller). */
		public static final int DEFAULT_MAX_CARRIED_TOKENS = 8000;

		/** The latest a rollover may happen on a model whose sessions last {@code maxSessionSeconds}. */
		public static int latestSeconds(int maxSessionSeconds) {
			return maxSessionSeconds - MARGIN_SECONDS;
		}

		/** The default {@code after_seconds} when the latest allowed is {@code latestSeconds}. */
		public static int defaultAfterSeconds(int latestSeconds) {
			return Math.min(DEFAULT_AFTER_SECONDS, latestSeconds);
		}

		/** The default {@code max_carried_tokens} for a model with this context window. */
		public static int defaultMaxCarriedTokens(int contextWindow) {
			return Math.min(DEFAULT_MAX_CARRIED_TOKENS, contextWindow);
		}

		/** The policy of an agent on this model that sets none of its fields. */
		public static Rollover defaults(int maxSessionSeconds, int contextWindow) {
			return new Rollover(defaultAfterSeconds(latestSeconds(maxSessionSeconds)), DEFAULT_CARRY,
					defaultMaxCarriedTokens(contextWindow));
		}

		/** The policy when the model is unknown (the catalog no longer has it): the plain defaults. */
		public static Rollover defaults() {
			return new Rollover(DEFAULT_AFTER_SECONDS, DEFAULT_CARRY, DEFAULT_MAX_CARRIED_TOKENS);
		}

		/** Whether the earlier conversation is summarised rather than carried as it was. */
		public boolean summarises() {
			return SUMMARY.equals(this.carry);
		}

	}

	/**
	 * Conversation memory.
	 * @param continueConversations whether a new session may continue an earlier conversation
	 */
	public record Memory(boolean continueConversations) {

		/** The memory of an agent that configures none: conversations may be continued. */
		public static final Memory DEFAULT = new Memory(true);

	}

}

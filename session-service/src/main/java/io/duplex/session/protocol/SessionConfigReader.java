package io.duplex.session.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.duplex.core.agent.AgentLimits;
import io.duplex.session.audio.AudioFormat;
import io.duplex.session.protocol.SessionConfig.InputAudio;
import io.duplex.session.protocol.SessionConfig.InputTranscription;
import io.duplex.session.protocol.SessionConfig.MaxOutputTokens;
import io.duplex.session.protocol.SessionConfig.Modality;
import io.duplex.session.protocol.SessionConfig.NoiseReduction;
import io.duplex.session.protocol.SessionConfig.OutputAudio;
import io.duplex.session.protocol.SessionConfig.Tracing;
import io.duplex.session.protocol.SessionConfig.Truncation;
import io.duplex.session.protocol.SessionConfig.Type;
import io.duplex.session.protocol.SessionConfig.Voice;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the session object of {@code session.update} and the response settings of
 * {@code response.create}, which share formats, voices and tools. The member sets below are
 * those of the GA schemas ({@code RealtimeSessionCreateRequestGA},
 * {@code RealtimeTranscriptionSessionCreateRequestGA}, {@code RealtimeResponseCreateParams}).
 */
final class SessionConfigReader {

	private static final Set<String> REALTIME_MEMBERS = Set.of("type", "model", "instructions", "output_modalities",
			"audio", "tools", "tool_choice", "max_output_tokens", "truncation", "tracing", "include", "prompt",
			"reasoning", "parallel_tool_calls");

	private static final Set<String> TRANSCRIPTION_MEMBERS = Set.of("type", "audio", "include");

	private static final Set<String> RESPONSE_MEMBERS = Set.of("output_modalities", "instructions", "audio", "tools",
			"tool_choice", "parallel_tool_calls", "reasoning", "max_output_tokens", "conversation", "metadata", "prompt",
			"input");

	private static final Map<String, Type> TYPES = WireObject.choicesOf(Type.values(), Type::wireName);

	private static final Map<String, Modality> MODALITIES = WireObject.choicesOf(Modality.values(),
			Modality::wireName);

	private static final Map<String, NoiseReduction> NOISE_REDUCTIONS = WireObject
		.choicesOf(NoiseReduction.values(), NoiseReduction::wireName);

	// GA names only: OpenAI answers the beta's "pcm16" with invalid_type, and so does Duplex
	private static final Map<String, AudioFormat> FORMATS = WireObject.choicesOf(AudioFormat.values(),
			AudioFormat::wireName);

	private static final Map<String, String> TURN_DETECTIONS = WireObject.choicesOf(TurnDetection.ServerVad.TYPE,
			TurnDetection.SemanticVad.TYPE);

	private static final Map<String, String> EAGERNESS = WireObject.choicesOf("low", "medium", "high", "auto");

	private static final Map<String, String> DELAYS = WireObject.choicesOf("minimal", "low", "medium", "high",
			"xhigh");

	private static final Map<String, String> TOOL_TYPES = WireObject.choicesOf("function", "mcp");

	private static final Map<String, String> TOOL_CHOICE_MODES = WireObject.choicesOf("none", "auto", "required");

	private static final Map<String, String> TRUNCATIONS = WireObject.choicesOf("auto", "disabled");

	private static final Map<String, String> TRUNCATION_OBJECTS = WireObject.choicesOf("retention_ratio");

	private static final Map<String, String> INCLUDES = WireObject
		.choicesOf("item.input_audio_transcription.logprobs");

	private static final Map<String, String> CONVERSATIONS = WireObject.choicesOf("auto", "none");

	private static final Map<String, String> AUTO = WireObject.choicesOf("auto");

	private SessionConfigReader() {
	}

	static SessionConfig session(WireObject session) {
		// the type decides which members exist, so it is checked before them, as OpenAI does
		Type type = session.choice("type", TYPES);
		session.allowOnly((type == Type.REALTIME) ? REALTIME_MEMBERS : TRANSCRIPTION_MEMBERS);
		InputAudio input = null;
		OutputAudio output = null;
		WireObject audio = session.optObject("audio");
		if (audio != null) {
			audio.allowOnly((type == Type.REALTIME) ? Set.of("input", "output") : Set.of("input"));
			WireObject inputObject = audio.optObject("input");
			input = (inputObject != null) ? input(inputObject) : null;
			WireObject outputObject = audio.optObject("output");
			output = (outputObject != null) ? output(outputObject, true) : null;
		}
		WireArray include = session.optArray("include");
		return new SessionConfig(type, session.optString("model"), session.optString("instructions"),
				modalities(session), input, output, tools(session), toolChoice(session), maxOutputTokens(session),
				truncation(session), tracing(session), (include != null) ? include.choices(INCLUDES) : null,
				prompt(session), objectOrAbsent(session, "reasoning"), session.optBoolean("parallel_tool_calls"));
	}

	static ResponseConfig response(WireObject response) {
		response.allowOnly(RESPONSE_MEMBERS);
		OutputAudio output = null;
		WireObject audio = response.optObject("audio");
		if (audio != null) {
			audio.allowOnly(Set.of("output"));
			WireObject outputObject = audio.optObject("output");
			output = (outputObject != null) ? output(outputObject, false) : null;
		}
		WireArray input = response.optArray("input");
		return new ResponseConfig(modalities(response), response.optString("instructions"),
				(output != null) ? output.format() : null, (output != null) ? output.voice() : null, tools(response),
				toolChoice(response), maxOutputTokens(response), response.optChoice("conversation", CONVERSATIONS),
				metadata(response), prompt(response),
				(input != null) ? input.objects((item) -> ItemReader.item(item, true)) : null,
				response.optBoolean("parallel_tool_calls"), objectOrAbsent(response, "reasoning"));
	}

	private static InputAudio input(WireObject input) {
		input.allowOnly(Set.of("format", "transcription", "noise_reduction", "turn_detection"));
		WireObject format = input.optObject("format");
		return new InputAudio((format != null) ? format(format) : null,
				clearable(input, "transcription", SessionConfigReader::transcription),
				clearable(input, "noise_reduction",
						(reduction) -> reduction.allowOnly(Set.of("type")).choice("type", NOISE_REDUCTIONS)),
				clearable(input, "turn_detection", SessionConfigReader::turnDetection));
	}

	private static OutputAudio output(WireObject output, boolean speedAllowed) {
		output.allowOnly(speedAllowed ? Set.of("format", "voice", "speed") : Set.of("format", "voice"));
		WireObject format = output.optObject("format");
		return new OutputAudio((format != null) ? format(format) : null, voice(output),
				output.optNumber("speed", 0.25, 1.5));
	}

	/** {@code {"type": "audio/pcm", "rate": 24000}}; a rate, where given, must be the format's own. */
	static AudioFormat format(WireObject format) {
		format.allowOnly(Set.of("type", "rate"));
		AudioFormat audioFormat = format.choice("type", FORMATS);
		Integer rate = format.optInteger("rate", 0, Integer.MAX_VALUE);
		if (rate != null && rate != audioFormat.sampleRate()) {
			throw InvalidEvent.invalidValue(format.pathOf("rate"), rate.toString(),
					List.of(Integer.toString(audioFormat.sampleRate())));
		}
		return audioFormat;
	}

	private static @Nullable Voice voice(WireObject output) {
		JsonNode voice = output.raw("voice");
		if (voice == null || voice.isNull()) {
			return null;
		}
		if (voice.isString()) {
			return Voice.named(voice.stringValue());
		}
		if (voice.isObject()) {
			WireObject custom = WireObject.at(voice, output.pathOf("voice")).allowOnly(Set.of("id"));
			return new Voice(custom.string("id"), true);
		}
		throw InvalidEvent.wrongType(output.pathOf("voice"), "a string or an object", WireObject.describe(voice));
	}

	private static InputTranscription transcription(WireObject transcription) {
		transcription.allowOnly(Set.of("model", "language", "prompt", "languages", "keywords", "delay"));
		WireArray languages = transcription.optArray("languages");
		WireArray keywords = transcription.optArray("keywords");
		return new InputTranscription(transcription.optString("model"), transcription.optString("language"),
				transcription.optString("prompt"), (languages != null) ? languages.strings() : null,
				(keywords != null) ? keywords.strings() : null, transcription.optChoice("delay", DELAYS));
	}

	private static TurnDetection turnDetection(WireObject detection) {
		String type = detection.choice("type", TURN_DETECTIONS);
		if (type.equals(TurnDetection.ServerVad.TYPE)) {
			detection.allowOnly(Set.of("type", "threshold", "prefix_padding_ms", "silence_duration_ms",
					"create_response", "interrupt_response", "idle_timeout_ms"));
			return new TurnDetection.ServerVad(detection.optNumber("threshold", 0, 1),
					detection.optInteger("prefix_padding_ms", 0, Integer.MAX_VALUE),
					detection.optInteger("silence_duration_ms", 0, Integer.MAX_VALUE),
					detection.optBoolean("create_response"), detection.optBoolean("interrupt_response"),
					detection.optInteger("idle_timeout_ms", 5_000, 30_000));
		}
		detection.allowOnly(Set.of("type", "eagerness", "create_response", "interrupt_response"));
		return new TurnDetection.SemanticVad(detection.optChoice("eagerness", EAGERNESS),
				detection.optBoolean("create_response"), detection.optBoolean("interrupt_response"));
	}

	private static @Nullable List<Modality> modalities(WireObject object) {
		WireArray modalities = object.optArray("output_modalities");
		return (modalities != null) ? modalities.choices(MODALITIES) : null;
	}

	private static @Nullable List<Tool> tools(WireObject object) {
		WireArray tools = object.optArray("tools");
		return (tools != null) ? tools.objects(SessionConfigReader::tool) : null;
	}

	private static Tool tool(WireObject tool) {
		if (tool.choice("type", TOOL_TYPES).equals("mcp")) {
			return new Tool.Mcp(tool.string("server_label"), tool.node());
		}
		tool.allowOnly(Set.of("type", "name", "description", "parameters"));
		WireObject parameters = tool.optObject("parameters");
		return new Tool.Function(tool.string("name"), tool.optString("description"),
				(parameters != null) ? parameters.node() : null);
	}

	private static @Nullable ToolChoice toolChoice(WireObject object) {
		JsonNode choice = object.raw("tool_choice");
		if (choice == null || choice.isNull()) {
			return null;
		}
		String path = object.pathOf("tool_choice");
		if (choice.isString()) {
			return new ToolChoice.Mode(WireObject.asChoice(choice.stringValue(), path, TOOL_CHOICE_MODES));
		}
		WireObject forced = WireObject.at(choice, path);
		if (forced.choice("type", TOOL_TYPES).equals("mcp")) {
			forced.allowOnly(Set.of("type", "server_label", "name"));
			return new ToolChoice.Mcp(forced.string("server_label"), forced.optString("name"));
		}
		forced.allowOnly(Set.of("type", "name"));
		return new ToolChoice.Function(forced.string("name"));
	}

	private static @Nullable MaxOutputTokens maxOutputTokens(WireObject object) {
		JsonNode limit = object.raw("max_output_tokens");
		if (limit == null || limit.isNull()) {
			return null;
		}
		String path = object.pathOf("max_output_tokens");
		if (limit.isString()) {
			WireObject.asChoice(limit.stringValue(), path, WireObject.choicesOf("inf"));
			return MaxOutputTokens.INF;
		}
		if (!limit.isNumber()) {
			throw InvalidEvent.wrongType(path, "an integer or 'inf'", WireObject.describe(limit));
		}
		return MaxOutputTokens.of((int) WireObject.asInteger(limit, path, 1, AgentLimits.MAX_OUTPUT_TOKENS));
	}

	private static @Nullable Truncation truncation(WireObject object) {
		JsonNode truncation = object.raw("truncation");
		if (truncation == null || truncation.isNull()) {
			return null;
		}
		String path = object.pathOf("truncation");
		if (truncation.isString()) {
			return WireObject.asChoice(truncation.stringValue(), path, TRUNCATIONS).equals("auto") ? Truncation.AUTO
					: Truncation.DISABLED;
		}
		WireObject ratio = WireObject.at(truncation, path).allowOnly(Set.of("type", "retention_ratio", "token_limits"));
		ratio.choice("type", TRUNCATION_OBJECTS);
		Double retentionRatio = ratio.optNumber("retention_ratio", 0, 1);
		if (retentionRatio == null) {
			throw InvalidEvent.missing(ratio.pathOf("retention_ratio"));
		}
		WireObject limits = ratio.optObject("token_limits");
		Integer postInstructions = (limits != null)
				? limits.allowOnly(Set.of("post_instructions")).optInteger("post_instructions", 0, Integer.MAX_VALUE)
				: null;
		return new Truncation("retention_ratio", retentionRatio, postInstructions);
	}

	private static @Nullable Clearable<Tracing> tracing(WireObject object) {
		JsonNode tracing = object.raw("tracing");
		if (tracing == null) {
			return null;
		}
		if (tracing.isNull()) {
			return Clearable.cleared();
		}
		String path = object.pathOf("tracing");
		if (tracing.isString()) {
			WireObject.asChoice(tracing.stringValue(), path, AUTO);
			return Clearable.of(Tracing.AUTO);
		}
		WireObject settings = WireObject.at(tracing, path).allowOnly(Set.of("workflow_name", "group_id", "metadata"));
		WireObject metadata = settings.optObject("metadata");
		return Clearable.of(new Tracing(false, settings.optString("workflow_name"), settings.optString("group_id"),
				(metadata != null) ? metadata.node() : null));
	}

	private static @Nullable Map<String, String> metadata(WireObject object) {
		WireObject metadata = object.optObject("metadata");
		if (metadata == null) {
			return null;
		}
		Map<String, String> pairs = new LinkedHashMap<>();
		for (String key : metadata.node().propertyNames()) {
			pairs.put(key, metadata.string(key));
		}
		return Collections.unmodifiableMap(pairs);
	}

	/** {@code prompt}, kept verbatim; JSON null is kept too, because it clears the prompt. */
	private static @Nullable JsonNode prompt(WireObject object) {
		JsonNode prompt = object.raw("prompt");
		if (prompt != null && !prompt.isNull() && !prompt.isObject()) {
			throw InvalidEvent.wrongType(object.pathOf("prompt"), "an object or null", WireObject.describe(prompt));
		}
		return prompt;
	}

	/** A member whose shape is kept verbatim, which must at least be an object; null stands for absent. */
	private static @Nullable ObjectNode objectOrAbsent(WireObject object, String name) {
		WireObject value = object.optObject(name);
		return (value != null) ? value.node() : null;
	}

	/** A member that JSON null clears: absent is Java null, null is cleared, anything else is read. */
	private static <T> @Nullable Clearable<T> clearable(WireObject object, String name,
			Function<WireObject, T> reader) {
		JsonNode value = object.raw(name);
		if (value == null) {
			return null;
		}
		return value.isNull() ? Clearable.cleared() : Clearable.of(reader.apply(WireObject.at(value, object.pathOf(name))));
	}

}

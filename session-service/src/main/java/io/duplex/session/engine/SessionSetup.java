package io.duplex.session.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.duplex.core.agent.AgentConfig;
import io.duplex.core.agent.AgentSnapshot;
import io.duplex.session.audio.AudioFormat;
import io.duplex.session.audio.VadSettings;
import io.duplex.session.protocol.Clearable;
import io.duplex.session.protocol.ClientEvent;
import io.duplex.session.protocol.ClientEventDecoder;
import io.duplex.session.protocol.Decoded;
import io.duplex.session.protocol.ProtocolError;
import io.duplex.session.protocol.SessionConfig;
import io.duplex.session.protocol.Tool;
import io.duplex.session.protocol.ToolChoice;
import io.duplex.session.protocol.TurnDetection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns an agent's configuration into the session's starting configuration, and decides which
 * {@code session.update} changes a client may make: instructions, tools, tool choice, model and
 * voice are the agent's unless its {@code session_overrides} frees them; everything else (turn
 * detection, formats, transcription, modalities, limits) is the client's to tune.
 */
final class SessionSetup {

	/** The fields an agent locks unless it lists them in {@code session_overrides}. */
	static final Set<String> LOCKABLE = Set.copyOf(AgentConfig.OVERRIDABLE);

	private SessionSetup() {
	}

	/**
	 * The agent's configuration as a GA session object, read through the same decoder as a
	 * client's {@code session.update}, so both pass the same checks.
	 */
	static SessionConfig fromAgent(AgentSnapshot agent, ClientEventDecoder decoder, JsonMapper json) {
		AgentConfig config = agent.config();
		ObjectNode session = json.createObjectNode();
		session.put("type", "realtime");
		session.put("model", agent.agentId());
		session.put("instructions", config.instructions());
		ArrayNode modalities = session.putArray("output_modalities");
		config.outputModalities().forEach(modalities::add);
		ObjectNode input = session.putObject("audio").putObject("input");
		input.putObject("format").put("type", "audio/pcm").put("rate", 24000);
		AgentConfig.InputAudioTranscription transcription = config.inputAudioTranscription();
		if (transcription.enabled()) {
			ObjectNode wire = input.putObject("transcription");
			wire.put("model", (transcription.model() != null) ? transcription.model() : agent.model());
			if (transcription.language() != null) {
				wire.put("language", transcription.language());
			}
		}
		else {
			input.putNull("transcription");
		}
		input.set("turn_detection", config.turnDetection().none() ? json.nullNode() : config.turnDetection().toJson());
		ObjectNode output = ((ObjectNode) session.get("audio")).putObject("output");
		output.putObject("format").put("type", "audio/pcm").put("rate", 24000);
		if (config.voice() != null) {
			output.put("voice", config.voice());
		}
		ArrayNode tools = session.putArray("tools");
		config.tools().forEach((tool) -> tools.add(tool.toJson()));
		session.set("tool_choice", config.toolChoice().toJson());
		if (config.maxOutputTokens() != null) {
			session.put("max_output_tokens", config.maxOutputTokens());
		}
		else {
			session.put("max_output_tokens", "inf");
		}
		ObjectNode event = json.createObjectNode().put("type", "session.update");
		event.set("session", session);
		Decoded decoded = decoder.decode(json.writeValueAsString(event));
		if (decoded instanceof ClientEvent.SessionUpdate update) {
			return update.session();
		}
		throw new IllegalStateException("agent " + agent.agentId() + " v" + agent.version()
				+ " does not make a valid session: " + ((ProtocolError) decoded).message());
	}

	/**
	 * Checks a client's {@code session.update} against the agent's locks.
	 * @return the error to send, or null when the update may be applied
	 */
	static @Nullable ProtocolError refusal(SessionConfig current, SessionConfig update, AgentConfig agentConfig,
			@Nullable String eventId) {
		if (update.type() != SessionConfig.Type.REALTIME) {
			return ProtocolError.invalidRequest(ProtocolError.INVALID_VALUE,
					"Only realtime sessions are offered on this socket.", "session.type", eventId);
		}
		if (update.model() != null && !update.model().equals(current.model())) {
			return locked("session.model", "The model of a session is set by its agent and cannot change while it runs.",
					eventId);
		}
		Set<String> free = Set.copyOf(agentConfig.sessionOverrides());
		if (update.instructions() != null && !update.instructions().equals(current.instructions())
				&& !free.contains("instructions")) {
			return locked("session.instructions", null, eventId);
		}
		if (update.tools() != null && !update.tools().equals(current.tools()) && !free.contains("tools")) {
			return locked("session.tools", null, eventId);
		}
		if (update.toolChoice() != null && !update.toolChoice().equals(current.toolChoice())
				&& !free.contains("tool_choice")) {
			return locked("session.tool_choice", null, eventId);
		}
		if (update.output() != null && update.output().voice() != null && current.output() != null
				&& !update.output().voice().equals(current.output().voice()) && !free.contains("voice")) {
			return locked("session.audio.output.voice", null, eventId);
		}
		return null;
	}

	private static ProtocolError locked(String param, @Nullable String message, @Nullable String eventId) {
		String field = param.substring(param.lastIndexOf('.') + 1);
		return ProtocolError.invalidRequest("session_field_locked",
				(message != null) ? message : "The agent sets '" + field + "'; it lets clients change only the fields "
						+ "listed in its session_overrides.",
				param, eventId);
	}

	static AudioFormat inputFormat(SessionConfig config) {
		return (config.input() != null && config.input().format() != null) ? config.input().format() : AudioFormat.PCM16;
	}

	static AudioFormat outputFormat(SessionConfig config) {
		return (config.output() != null && config.output().format() != null) ? config.output().format()
				: AudioFormat.PCM16;
	}

	static @Nullable String voice(SessionConfig config) {
		return (config.output() != null && config.output().voice() != null) ? config.output().voice().id() : null;
	}

	static @Nullable TurnDetection turnDetection(SessionConfig config) {
		if (config.input() == null || config.input().turnDetection() == null) {
			return null;
		}
		Clearable<TurnDetection> turns = config.input().turnDetection();
		return turns.isCleared() ? null : turns.value();
	}

	static boolean transcribes(SessionConfig config) {
		return config.input() != null && config.input().transcription() != null
				&& !config.input().transcription().isCleared();
	}

	/** VAD settings for server VAD; semantic VAD runs on the same detector with its defaults. */
	static VadSettings vadSettings(TurnDetection turns) {
		VadSettings settings = VadSettings.DEFAULTS;
		if (turns instanceof TurnDetection.ServerVad vad) {
			if (vad.threshold() != null) {
				settings = settings.withThreshold(vad.threshold());
			}
			if (vad.prefixPaddingMs() != null) {
				settings = settings.withPrefixPaddingMs(vad.prefixPaddingMs());
			}
			if (vad.silenceDurationMs() != null) {
				settings = settings.withSilenceDurationMs(vad.silenceDurationMs());
			}
		}
		return settings;
	}

	static boolean createsResponse(@Nullable TurnDetection turns) {
		return turns != null && !Boolean.FALSE.equals(turns.createResponse());
	}

	static boolean interruptsResponse(@Nullable TurnDetection turns) {
		return turns != null && !Boolean.FALSE.equals(turns.interruptResponse());
	}

	static List<String> modalities(SessionConfig config) {
		List<String> modalities = new ArrayList<>();
		if (config.outputModalities() == null || config.outputModalities().isEmpty()) {
			modalities.add("audio");
		}
		else {
			config.outputModalities().forEach((modality) -> modalities.add(modality.wireName()));
		}
		return modalities;
	}

	/** Function tools as OpenAI function definitions, for the provider. */
	static List<JsonNode> tools(SessionConfig config, JsonMapper json) {
		List<JsonNode> tools = new ArrayList<>();
		if (config.tools() != null) {
			for (Tool tool : config.tools()) {
				if (tool instanceof Tool.Function function) {
					ObjectNode definition = json.createObjectNode().put("type", "function").put("name", function.name());
					if (function.description() != null) {
						definition.put("description", function.description());
					}
					if (function.parameters() != null) {
						definition.set("parameters", function.parameters());
					}
					tools.add(definition);
				}
			}
		}
		return tools;
	}

	static String toolChoice(SessionConfig config) {
		ToolChoice choice = config.toolChoice();
		if (choice instanceof ToolChoice.Mode mode) {
			return mode.mode();
		}
		if (choice instanceof ToolChoice.Function function) {
			return function.name();
		}
		return "auto";
	}

	static @Nullable Integer maxOutputTokens(SessionConfig config) {
		return (config.maxOutputTokens() != null) ? config.maxOutputTokens().limit() : null;
	}

}

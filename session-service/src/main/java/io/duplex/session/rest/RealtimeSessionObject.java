package io.duplex.session.rest;

import io.duplex.core.agent.AgentConfig;
import io.duplex.core.agent.AgentSnapshot;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An agent version as OpenAI's GA session object ({@code RealtimeSessionCreateResponseGA}), the
 * {@code session} of a client secret's answer. {@code model} is the agent's id, which is what a
 * client names to start it. A setting that is off is written as {@code null} where the schema
 * allows it ({@code turn_detection}, {@code tracing}) and left out where it does not
 * ({@code transcription}).
 */
public final class RealtimeSessionObject {

	/** The socket's audio format, both ways: 16-bit PCM at 24 kHz until the client changes it. */
	static final int PCM_RATE = 24_000;

	private RealtimeSessionObject() {
	}

	public static ObjectNode of(AgentSnapshot agent, String sessionId) {
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		AgentConfig config = agent.config();
		ObjectNode session = nodes.objectNode();
		session.put("type", "realtime");
		session.put("object", SessionResponse.OBJECT);
		session.put("id", sessionId);
		session.put("model", agent.agentId());
		ArrayNode modalities = session.putArray("output_modalities");
		config.outputModalities().forEach(modalities::add);
		session.put("instructions", config.instructions());
		ObjectNode audio = session.putObject("audio");
		ObjectNode input = audio.putObject("input");
		pcm(input.putObject("format"));
		AgentConfig.InputAudioTranscription transcription = config.inputAudioTranscription();
		if (transcription.enabled()) {
			ObjectNode wire = input.putObject("transcription");
			if (transcription.model() != null) {
				wire.put("model", transcription.model());
			}
			if (transcription.language() != null) {
				wire.put("language", transcription.language());
			}
		}
		input.set("turn_detection", turnDetection(config.turnDetection()));
		ObjectNode output = audio.putObject("output");
		pcm(output.putObject("format"));
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
		session.putNull("tracing");
		session.put("truncation", "auto");
		return session;
	}

	/** The agent's turn detection; its {@code none} is the GA {@code null} (the client commits turns). */
	private static JsonNode turnDetection(AgentConfig.TurnDetection agentTurns) {
		if (agentTurns.none()) {
			return JsonNodeFactory.instance.nullNode();
		}
		return agentTurns.toJson();
	}

	private static void pcm(ObjectNode format) {
		format.put("type", "audio/pcm");
		format.put("rate", PCM_RATE);
	}

}

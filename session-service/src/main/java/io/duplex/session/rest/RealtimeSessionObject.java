package io.duplex.session.rest;

import io.duplex.core.agent.AgentSnapshot;
import tools.jackson.databind.JsonNode;
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
		JsonNode config = agent.config();
		ObjectNode session = nodes.objectNode();
		session.put("type", "realtime");
		session.put("object", SessionResponse.OBJECT);
		session.put("id", sessionId);
		session.put("model", agent.agentId());
		JsonNode modalities = config.path("output_modalities");
		session.set("output_modalities", modalities.isArray() ? modalities.deepCopy() : nodes.arrayNode().add("audio"));
		session.put("instructions", config.path("instructions").asString(""));
		ObjectNode audio = session.putObject("audio");
		ObjectNode input = audio.putObject("input");
		pcm(input.putObject("format"));
		JsonNode transcription = config.path("input_audio_transcription");
		if (transcription.path("enabled").asBoolean(true)) {
			ObjectNode wire = input.putObject("transcription");
			if (transcription.path("model").isString()) {
				wire.put("model", transcription.path("model").asString());
			}
			if (transcription.path("language").isString()) {
				wire.put("language", transcription.path("language").asString());
			}
		}
		input.set("turn_detection", turnDetection(config.path("turn_detection")));
		ObjectNode output = audio.putObject("output");
		pcm(output.putObject("format"));
		if (config.path("voice").isString()) {
			output.put("voice", config.path("voice").asString());
		}
		session.set("tools", config.path("tools").isArray() ? config.get("tools").deepCopy() : nodes.arrayNode());
		JsonNode toolChoice = config.path("tool_choice");
		session.set("tool_choice", toolChoice.isMissingNode() || toolChoice.isNull() ? nodes.stringNode("auto")
				: toolChoice.deepCopy());
		if (config.path("max_output_tokens").isInt()) {
			session.put("max_output_tokens", config.path("max_output_tokens").asInt());
		}
		else {
			session.put("max_output_tokens", "inf");
		}
		session.putNull("tracing");
		session.put("truncation", "auto");
		return session;
	}

	/** The agent's turn detection; its {@code none} is the GA {@code null} (the client commits turns). */
	private static JsonNode turnDetection(JsonNode agentTurns) {
		if (!agentTurns.isObject() || "none".equals(agentTurns.path("type").asString())) {
			return JsonNodeFactory.instance.nullNode();
		}
		return agentTurns.deepCopy();
	}

	private static void pcm(ObjectNode format) {
		format.put("type", "audio/pcm");
		format.put("rate", PCM_RATE);
	}

}

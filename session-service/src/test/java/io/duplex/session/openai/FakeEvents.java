package io.duplex.session.openai;

import java.util.Base64;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The server events of the fake OpenAI Realtime server, shaped as the GA API sends them. */
final class FakeEvents {

	static final JsonMapper JSON = JsonMapper.shared();

	/** The usage every completed fake response reports: every member distinct, to catch a swap. */
	static final String USAGE = """
			{"total_tokens":253,"input_tokens":132,"output_tokens":121,
			 "input_token_details":{"text_tokens":119,"audio_tokens":13,"image_tokens":0,"cached_tokens":64,
			   "cached_tokens_details":{"text_tokens":60,"audio_tokens":4,"image_tokens":0}},
			 "output_token_details":{"text_tokens":30,"audio_tokens":91}}""";

	/**
	 * The usage a cancelled fake response reports, as OpenAI reports what a response consumed up to
	 * its cancel: the same input, less output; distinct from {@link #USAGE}.
	 */
	static final String CANCELLED_USAGE = """
			{"total_tokens":179,"input_tokens":132,"output_tokens":47,
			 "input_token_details":{"text_tokens":119,"audio_tokens":13,"image_tokens":0,"cached_tokens":64,
			   "cached_tokens_details":{"text_tokens":60,"audio_tokens":4,"image_tokens":0}},
			 "output_token_details":{"text_tokens":7,"audio_tokens":40}}""";

	private int next;

	synchronized String id(String prefix) {
		this.next++;
		return prefix + "fake" + this.next;
	}

	ObjectNode event(String type) {
		ObjectNode event = JSON.createObjectNode();
		event.put("type", type);
		event.put("event_id", id("event_"));
		return event;
	}

	ObjectNode session(String sessionId, String model, JsonNode update) {
		ObjectNode session = JSON.createObjectNode();
		session.put("type", "realtime");
		session.put("object", "realtime.session");
		session.put("id", sessionId);
		session.put("model", model);
		session.put("expires_at", 1_900_000_000L);
		session.putArray("output_modalities").add("audio");
		session.put("instructions", "You are a helpful assistant.");
		ObjectNode audio = session.putObject("audio");
		ObjectNode input = audio.putObject("input");
		input.putObject("format").put("type", "audio/pcm").put("rate", 24_000);
		// off: left out, as the schema has no null here although OpenAI's examples write one
		input.putObject("turn_detection")
			.put("type", "server_vad")
			.put("threshold", 0.5)
			.put("prefix_padding_ms", 300)
			.put("silence_duration_ms", 200)
			.put("create_response", true)
			.put("interrupt_response", true);
		ObjectNode output = audio.putObject("output");
		output.putObject("format").put("type", "audio/pcm").put("rate", 24_000);
		output.put("voice", "alloy");
		output.put("speed", 1.0);
		session.putArray("tools");
		session.put("tool_choice", "auto");
		session.put("max_output_tokens", "inf");
		session.putNull("tracing");
		session.put("truncation", "auto");
		mergeInto(session, update);
		return session;
	}

	ObjectNode error(String type, String code, String message, String eventId) {
		ObjectNode event = event("error");
		ObjectNode error = event.putObject("error");
		error.put("type", type);
		error.put("code", code);
		error.put("message", message);
		error.putNull("param");
		if (eventId != null) {
			error.put("event_id", eventId);
		}
		else {
			error.putNull("event_id");
		}
		return event;
	}

	/** The usage of a fake out-of-band text response: text only, and distinct from {@link #USAGE}. */
	static final String OUT_OF_BAND_USAGE = """
			{"total_tokens":345,"input_tokens":300,"output_tokens":45,
			 "input_token_details":{"text_tokens":300,"audio_tokens":0,"image_tokens":0,"cached_tokens":128,
			   "cached_tokens_details":{"text_tokens":128,"audio_tokens":0,"image_tokens":0}},
			 "output_token_details":{"text_tokens":45,"audio_tokens":0}}""";

	/**
	 * An out-of-band response (one created with {@code conversation: "none"}): its metadata and
	 * modalities as asked, and no conversation; OpenAI documents its {@code conversation_id} as null,
	 * but the schema has no null, so it is left out.
	 */
	ObjectNode outOfBandResponse(String responseId, String status, ArrayNode output, boolean done, JsonNode params) {
		ObjectNode response = response(responseId, status, output, false);
		response.remove("conversation_id");
		response.set("output_modalities", params.path("output_modalities").deepCopy());
		if (params.path("max_output_tokens").isInt()) {
			response.put("max_output_tokens", params.path("max_output_tokens").asInt());
		}
		response.set("metadata", params.path("metadata").deepCopy());
		if (done) {
			response.set("usage", JSON.readTree(OUT_OF_BAND_USAGE));
		}
		return response;
	}

	ObjectNode response(String responseId, String status, ArrayNode output, boolean done) {
		ObjectNode response = JSON.createObjectNode();
		response.put("id", responseId);
		response.put("object", "realtime.response");
		response.put("status", status);
		if (status.equals("cancelled")) {
			response.putObject("status_details").put("type", "cancelled").put("reason", "client_cancelled");
		}
		response.set("output", output);
		response.put("conversation_id", "conv_fake");
		response.putArray("output_modalities").add("audio");
		response.put("max_output_tokens", "inf");
		response.putObject("metadata");
		if (done) {
			response.set("usage", JSON.readTree(status.equals("cancelled") ? CANCELLED_USAGE : USAGE));
		}
		return response;
	}

	ObjectNode assistantItem(String itemId, String status, String transcript, boolean audio) {
		ObjectNode item = JSON.createObjectNode();
		item.put("id", itemId);
		item.put("object", "realtime.item");
		item.put("type", "message");
		item.put("status", status);
		item.put("role", "assistant");
		ArrayNode content = item.putArray("content");
		if (transcript != null) {
			ObjectNode part = content.addObject();
			part.put("type", audio ? "output_audio" : "output_text");
			part.put(audio ? "transcript" : "text", transcript);
		}
		return item;
	}

	ObjectNode functionCallItem(String itemId, String status, String callId, String name, String arguments) {
		ObjectNode item = JSON.createObjectNode();
		item.put("id", itemId);
		item.put("object", "realtime.item");
		item.put("type", "function_call");
		item.put("status", status);
		item.put("call_id", callId);
		item.put("name", name);
		item.put("arguments", arguments);
		return item;
	}

	/** {@code pcm} in base64, as audio travels in events. */
	static String base64(byte[] pcm) {
		return Base64.getEncoder().encodeToString(pcm);
	}

	private static void mergeInto(ObjectNode target, JsonNode update) {
		for (var member : update.properties()) {
			JsonNode existing = target.get(member.getKey());
			boolean nullable = member.getKey().equals("turn_detection") || member.getKey().equals("tracing");
			if (member.getValue().isNull() && !nullable) {
				target.remove(member.getKey());
			}
			else if (existing instanceof ObjectNode object && member.getValue().isObject()) {
				mergeInto(object, member.getValue());
			}
			else {
				target.set(member.getKey(), member.getValue().deepCopy());
			}
		}
	}

}

package io.duplex.session.openai;

import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.ResponseSpec;
import io.duplex.session.provider.SummaryRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Writes the GA client events the provider sends upstream, as JSON text. */
final class ClientEvents {

	private static final String CANCEL_EVENT_PREFIX = "duplex_cancel_";

	private static final AtomicLong CANCELS = new AtomicLong();

	private static final JsonMapper JSON = JsonMapper.shared();

	/** The most output a response may be limited to. */
	static final int MAX_OUTPUT_TOKENS = 4096;

	private final String transcriptionModel;

	ClientEvents(String transcriptionModel) {
		this.transcriptionModel = transcriptionModel;
	}

	/**
	 * The session as {@code settings} describe it. Turn detection is off because the engine detects
	 * turns and commits them itself; {@code voice} is left out when null (it cannot change once the
	 * model has spoken). Transcription that is off is left out (off is the default), or set to null
	 * to turn it off {@code wasTranscribing}: OpenAI documents that null, though its schema has none.
	 */
	String sessionUpdate(ProviderSettings settings, @Nullable String voice, boolean wasTranscribing) {
		ObjectNode session = JSON.createObjectNode();
		session.put("type", "realtime");
		session.put("instructions", settings.instructions());
		session.putArray("output_modalities").add("audio");
		ObjectNode audio = session.putObject("audio");
		ObjectNode input = audio.putObject("input");
		pcm(input.putObject("format"));
		if (settings.transcribeInput()) {
			input.putObject("transcription").put("model", this.transcriptionModel);
		}
		else if (wasTranscribing) {
			input.putNull("transcription");
		}
		input.putNull("turn_detection");
		ObjectNode output = audio.putObject("output");
		pcm(output.putObject("format"));
		if (voice != null) {
			output.put("voice", voice);
		}
		tools(session.putArray("tools"), settings.tools());
		session.put("tool_choice", "auto");
		ObjectNode event = event("session.update");
		event.set("session", session);
		return JSON.writeValueAsString(event);
	}

	/** Little-endian PCM16 bytes of the samples, base64, as {@code input_audio_buffer.append}. */
	String append(short[] samples, int offset, int length) {
		byte[] bytes = new byte[length * 2];
		for (int i = 0; i < length; i++) {
			short sample = samples[offset + i];
			bytes[2 * i] = (byte) sample;
			bytes[2 * i + 1] = (byte) (sample >> 8);
		}
		ObjectNode event = event("input_audio_buffer.append");
		event.put("audio", Base64.getEncoder().encodeToString(bytes));
		return JSON.writeValueAsString(event);
	}

	/** {@code input_audio_buffer.commit}, tagged {@code eventId} to match its errors. */
	String commit(String eventId) {
		ObjectNode event = event("input_audio_buffer.commit");
		event.put("event_id", eventId);
		return JSON.writeValueAsString(event);
	}

	/** An event that has no members besides its type, e.g. {@code input_audio_buffer.clear}. */
	String bare(String type) {
		return JSON.writeValueAsString(event(type));
	}

	/**
	 * {@code item} as a new upstream item {@code upstreamId}: messages as text (user and system
	 * {@code input_text}, assistant {@code output_text}, since a client may not create assistant audio),
	 * function calls and their outputs as such.
	 */
	String itemCreate(ContextItem item, String upstreamId) {
		ObjectNode node = JSON.createObjectNode();
		node.put("id", upstreamId);
		node.put("type", item.type());
		switch (item.type()) {
			case "function_call" -> {
				node.put("call_id", (item.callId() != null) ? item.callId() : upstreamId);
				node.put("name", (item.name() != null) ? item.name() : "");
				node.put("arguments", item.text());
			}
			case "function_call_output" -> {
				node.put("call_id", (item.callId() != null) ? item.callId() : upstreamId);
				node.put("output", item.text());
			}
			default -> {
				String role = (item.role() != null) ? item.role() : "user";
				node.put("role", role);
				node.putArray("content")
					.addObject()
					.put("type", role.equals("assistant") ? "output_text" : "input_text")
					.put("text", item.text());
			}
		}
		ObjectNode event = event("conversation.item.create");
		event.set("item", node);
		return JSON.writeValueAsString(event);
	}

	String truncate(String upstreamId, long audioEndMs) {
		ObjectNode event = event("conversation.item.truncate");
		event.put("item_id", upstreamId);
		event.put("content_index", 0);
		event.put("audio_end_ms", audioEndMs);
		return JSON.writeValueAsString(event);
	}

	String delete(String upstreamId) {
		ObjectNode event = event("conversation.item.delete");
		event.put("item_id", upstreamId);
		return JSON.writeValueAsString(event);
	}

	/** A response over the upstream conversation as {@code spec} asks, tagged {@code eventId} to match its errors. */
	String responseCreate(ResponseSpec spec, String eventId) {
		ObjectNode response = JSON.createObjectNode();
		ArrayNode modalities = response.putArray("output_modalities");
		spec.outputModalities().forEach(modalities::add);
		if (spec.instructions() != null) {
			response.put("instructions", spec.instructions());
		}
		tools(response.putArray("tools"), spec.tools());
		switch (spec.toolChoice()) {
			case "auto", "none", "required" -> response.put("tool_choice", spec.toolChoice());
			default -> response.putObject("tool_choice").put("type", "function").put("name", spec.toolChoice());
		}
		if (spec.maxOutputTokens() != null) {
			response.put("max_output_tokens", spec.maxOutputTokens());
		}
		ObjectNode event = event("response.create");
		event.put("event_id", eventId);
		event.set("response", response);
		return JSON.writeValueAsString(event);
	}

	/**
	 * An out-of-band response that writes {@code request}'s summary: outside the conversation
	 * ({@code conversation: "none"}), over only the items given as text ({@code input}), in text,
	 * with no tools, tagged in its metadata so that its events can be told apart.
	 */
	String summaryCreate(SummaryRequest request, String eventId) {
		ObjectNode response = JSON.createObjectNode();
		response.put("conversation", "none");
		response.putArray("output_modalities").add("text");
		response.put("instructions", request.instructions());
		response.put("tool_choice", "none");
		// OpenAI takes 1 to 4096
		response.put("max_output_tokens", Math.min(MAX_OUTPUT_TOKENS, request.maxTokens()));
		response.putObject("metadata").put("purpose", Summaries.PURPOSE).put("request", eventId);
		ArrayNode input = response.putArray("input");
		for (SummaryRequest.Message message : request.messages()) {
			ObjectNode item = input.addObject();
			item.put("type", "message");
			item.put("role", message.role());
			item.putArray("content")
				.addObject()
				.put("type", message.role().equals("assistant") ? "output_text" : "input_text")
				.put("text", message.text());
		}
		ObjectNode event = event("response.create");
		event.put("event_id", eventId);
		event.set("response", response);
		return JSON.writeValueAsString(event);
	}

	/**
	 * {@code response.cancel}, with an event id of its own: a cancel that reaches the upstream
	 * after its response ended is refused, and that refusal is the engine's, not the client's.
	 */
	String cancel(@Nullable String upstreamResponseId) {
		ObjectNode event = event("response.cancel");
		event.put("event_id", CANCEL_EVENT_PREFIX + CANCELS.incrementAndGet());
		if (upstreamResponseId != null) {
			event.put("response_id", upstreamResponseId);
		}
		return JSON.writeValueAsString(event);
	}

	/** Whether {@code eventId} names a {@code response.cancel} this provider sent. */
	static boolean isCancel(@Nullable String eventId) {
		return eventId != null && eventId.startsWith(CANCEL_EVENT_PREFIX);
	}

	private static ObjectNode event(String type) {
		ObjectNode event = JSON.createObjectNode();
		event.put("type", type);
		return event;
	}

	private static void pcm(ObjectNode format) {
		format.put("type", "audio/pcm");
		format.put("rate", 24_000);
	}

	/** Function definitions as OpenAI expects them; Duplex keeps them in that form already. */
	private static void tools(ArrayNode target, List<JsonNode> tools) {
		for (JsonNode tool : tools) {
			ObjectNode copy = (tool.isObject()) ? (ObjectNode) tool.deepCopy() : JSON.createObjectNode();
			if (!copy.has("type")) {
				copy.put("type", "function");
			}
			target.add(copy);
		}
	}

}

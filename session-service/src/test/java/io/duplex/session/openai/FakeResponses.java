package io.duplex.session.openai;

import java.time.Duration;

import reactor.core.publisher.Mono;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The event sequences of the fake server's responses, in the order OpenAI sends them. */
final class FakeResponses {

	static final String CALL_ID = "call_fake42";

	private FakeResponses() {
	}

	/** The transcript (or text) piece of delta {@code index}. */
	static String piece(int index) {
		return "part" + index + " ";
	}

	static String transcript(int deltas) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < deltas; i++) {
			text.append(piece(i));
		}
		return text.toString();
	}

	/** An assistant message: audio with its transcript, or text; left open when {@code hold}. */
	static void speak(FakeConnection connection, String responseId, String itemId, boolean audio, int deltas,
			boolean hold) {
		FakeEvents events = connection.events();
		ObjectNode item = events.assistantItem(itemId, "in_progress", null, audio);
		outputItem(connection, "response.output_item.added", responseId, item);
		connection.itemEvent("conversation.item.added", null, item);
		ObjectNode part = ids(connection, "response.content_part.added", responseId, itemId);
		part.set("part", part(audio, ""));
		connection.send(part);
		for (int i = 0; i < deltas; i++) {
			if (audio) {
				ObjectNode delta = ids(connection, "response.output_audio.delta", responseId, itemId);
				delta.put("delta", FakeEvents.base64(FakeOpenAiRealtime.deltaAudio(i)));
				connection.send(delta);
				ObjectNode words = ids(connection, "response.output_audio_transcript.delta", responseId, itemId);
				words.put("delta", piece(i));
				connection.send(words);
			}
			else {
				ObjectNode text = ids(connection, "response.output_text.delta", responseId, itemId);
				text.put("delta", piece(i));
				connection.send(text);
			}
		}
		if (!hold) {
			finish(connection, responseId, itemId, "completed", audio, deltas);
		}
	}

	/** The {@code .done} events of a message and of its response. */
	static void finish(FakeConnection connection, String responseId, String itemId, String status, boolean audio,
			int deltas) {
		FakeEvents events = connection.events();
		String transcript = transcript(deltas);
		if (audio) {
			connection.send(ids(connection, "response.output_audio.done", responseId, itemId));
			ObjectNode words = ids(connection, "response.output_audio_transcript.done", responseId, itemId);
			words.put("transcript", transcript);
			connection.send(words);
		}
		else {
			ObjectNode text = ids(connection, "response.output_text.done", responseId, itemId);
			text.put("text", transcript);
			connection.send(text);
		}
		ObjectNode part = ids(connection, "response.content_part.done", responseId, itemId);
		part.set("part", part(audio, transcript));
		connection.send(part);
		ObjectNode item = events.assistantItem(itemId, status.equals("completed") ? "completed" : "incomplete",
				transcript, audio);
		outputItem(connection, "response.output_item.done", responseId, item);
		connection.itemEvent("conversation.item.done", null, item);
		done(connection, responseId, status, item);
	}

	/** A call of {@code get_weather} with its arguments in two deltas. */
	static void call(FakeConnection connection, String responseId, String itemId) {
		FakeEvents events = connection.events();
		ObjectNode started = events.functionCallItem(itemId, "in_progress", CALL_ID, "get_weather", "");
		outputItem(connection, "response.output_item.added", responseId, started);
		connection.itemEvent("conversation.item.added", null, started);
		String arguments = FakeOpenAiRealtime.ARGUMENTS;
		int half = arguments.length() / 2;
		for (String delta : new String[] { arguments.substring(0, half), arguments.substring(half) }) {
			ObjectNode event = ids(connection, "response.function_call_arguments.delta", responseId, itemId);
			event.remove("content_index");
			event.put("call_id", CALL_ID);
			event.put("delta", delta);
			connection.send(event);
		}
		ObjectNode argumentsDone = ids(connection, "response.function_call_arguments.done", responseId, itemId);
		argumentsDone.remove("content_index");
		argumentsDone.put("call_id", CALL_ID);
		argumentsDone.put("name", "get_weather");
		argumentsDone.put("arguments", arguments);
		connection.send(argumentsDone);
		ObjectNode item = events.functionCallItem(itemId, "completed", CALL_ID, "get_weather", arguments);
		outputItem(connection, "response.output_item.done", responseId, item);
		connection.itemEvent("conversation.item.done", null, item);
		done(connection, responseId, "completed", item);
	}

	/**
	 * The answer to an out-of-band response ({@code conversation: "none"}): a text message in two
	 * deltas, events for the response only (none for the conversation), its metadata echoed; the
	 * events after {@code response.created} come {@code delay} later.
	 */
	static void outOfBand(FakeConnection connection, String responseId, String itemId, JsonNode params, String text,
			Duration delay) {
		FakeEvents events = connection.events();
		ObjectNode created = events.event("response.created");
		created.set("response", events.outOfBandResponse(responseId, "in_progress", connection.array(), false, params));
		connection.send(created);
		Runnable rest = () -> {
			outputItem(connection, "response.output_item.added", responseId,
					events.assistantItem(itemId, "in_progress", null, false));
			ObjectNode part = ids(connection, "response.content_part.added", responseId, itemId);
			part.set("part", part(false, ""));
			connection.send(part);
			int half = text.length() / 2;
			for (String piece : new String[] { text.substring(0, half), text.substring(half) }) {
				ObjectNode delta = ids(connection, "response.output_text.delta", responseId, itemId);
				delta.put("delta", piece);
				connection.send(delta);
			}
			ObjectNode textDone = ids(connection, "response.output_text.done", responseId, itemId);
			textDone.put("text", text);
			connection.send(textDone);
			ObjectNode partDone = ids(connection, "response.content_part.done", responseId, itemId);
			partDone.set("part", part(false, text));
			connection.send(partDone);
			ObjectNode item = events.assistantItem(itemId, "completed", text, false);
			outputItem(connection, "response.output_item.done", responseId, item);
			ArrayNode output = connection.array();
			output.add(item);
			ObjectNode done = events.event("response.done");
			done.set("response", events.outOfBandResponse(responseId, "completed", output, true, params));
			connection.send(done);
		};
		if (delay.isZero()) {
			rest.run();
		}
		else {
			Mono.delay(delay).subscribe((tick) -> rest.run());
		}
	}

	private static void done(FakeConnection connection, String responseId, String status, ObjectNode item) {
		ArrayNode output = connection.array();
		output.add(item);
		ObjectNode done = connection.events().event("response.done");
		done.set("response", connection.events().response(responseId, status, output, true));
		connection.send(done);
	}

	private static void outputItem(FakeConnection connection, String type, String responseId, ObjectNode item) {
		ObjectNode event = connection.events().event(type);
		event.put("response_id", responseId);
		event.put("output_index", 0);
		event.set("item", item);
		connection.send(event);
	}

	private static ObjectNode ids(FakeConnection connection, String type, String responseId, String itemId) {
		ObjectNode event = connection.events().event(type);
		event.put("response_id", responseId);
		event.put("item_id", itemId);
		event.put("output_index", 0);
		event.put("content_index", 0);
		return event;
	}

	private static ObjectNode part(boolean audio, String text) {
		ObjectNode part = FakeEvents.JSON.createObjectNode();
		part.put("type", audio ? "audio" : "text");
		part.put(audio ? "transcript" : "text", text);
		return part;
	}

}

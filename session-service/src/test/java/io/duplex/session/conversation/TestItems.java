package io.duplex.session.conversation;

import org.jspecify.annotations.Nullable;

import io.duplex.session.protocol.Ids;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes {@link StoredItem}s as the realtime engine commits them, for one tenant, conversation and
 * session: GA conversation items without audio, with the plain text the engine derives.
 */
record TestItems(String tenantId, String conversationId, String sessionId) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	StoredItem userAudio(String transcript, long startedMs, long endedMs) {
		return message(Ids.item(), "user", "input_audio", "transcript", transcript, startedMs, endedMs);
	}

	StoredItem userText(String text) {
		return message(Ids.item(), "user", "input_text", "text", text, null, null);
	}

	StoredItem assistantAudio(String transcript, long startedMs, long endedMs) {
		return message(Ids.item(), "assistant", "output_audio", "transcript", transcript, startedMs, endedMs);
	}

	/** A call the engine stored without a text rendering, so transcripts render it from the item. */
	StoredItem functionCall(String callId, String name, String arguments) {
		String id = Ids.item();
		ObjectNode item = base(id, "function_call").put("call_id", callId)
			.put("name", name)
			.put("arguments", arguments);
		return new StoredItem(id, this.conversationId, this.tenantId, this.sessionId, "function_call", null,
				"completed", item, null, null, null, null);
	}

	StoredItem functionOutput(String callId, String output) {
		String id = Ids.item();
		ObjectNode item = base(id, "function_call_output").put("call_id", callId).put("output", output);
		return new StoredItem(id, this.conversationId, this.tenantId, this.sessionId, "function_call_output", null,
				"completed", item, null, null, null, null);
	}

	/** The same item with another text, e.g. a repeat that must not overwrite the first. */
	static StoredItem withText(StoredItem item, @Nullable String text) {
		return new StoredItem(item.id(), item.conversationId(), item.tenantId(), item.sessionId(), item.type(),
				item.role(), item.status(), item.item(), text, item.startedMs(), item.endedMs(), item.truncatedAtMs());
	}

	/** The item as it stands after a truncation where the user stopped hearing it. */
	static ObjectNode heardOnly(StoredItem item, String heard) {
		ObjectNode cut = (ObjectNode) item.item().deepCopy();
		((ObjectNode) cut.get("content").get(0)).put("transcript", heard);
		cut.put("status", "incomplete");
		return cut;
	}

	private StoredItem message(String id, String role, String partType, String field, String text,
			@Nullable Long startedMs, @Nullable Long endedMs) {
		ObjectNode item = base(id, "message").put("role", role);
		item.putArray("content").addObject().put("type", partType).put(field, text);
		return new StoredItem(id, this.conversationId, this.tenantId, this.sessionId, "message", role, "completed",
				item, text, startedMs, endedMs, null);
	}

	private static ObjectNode base(String id, String type) {
		return JSON.createObjectNode().put("id", id).put("type", type).put("object", "realtime.item").put("status",
				"completed");
	}

}

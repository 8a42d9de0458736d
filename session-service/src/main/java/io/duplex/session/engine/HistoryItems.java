package io.duplex.session.engine;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.duplex.session.conversation.StoredItem;
import io.duplex.session.protocol.ConversationItem;
import io.duplex.session.protocol.ServerEvents;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.lifecycle.SessionGrant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Converts between the engine's conversation entries and stored items. */
final class HistoryItems {

	private HistoryItems() {
	}

	/** A stored item as a model sees it: its (heard) text. */
	static ContextItem context(StoredItem stored) {
		JsonNode item = stored.item();
		String text = (stored.text() != null) ? stored.text() : "";
		return switch (stored.type()) {
			case "function_call" -> new ContextItem(stored.id(), "function_call", null, item.path("arguments").asString(""),
					item.path("name").asString(null), item.path("call_id").asString(null), 0);
			case "function_call_output" -> new ContextItem(stored.id(), "function_call_output", null,
					item.path("output").asString(""), null, item.path("call_id").asString(null), 0);
			default -> new ContextItem(stored.id(), "message", (stored.role() != null) ? stored.role() : "user", text, null,
					null, audioMs(stored));
		};
	}

	/** A stored item of an earlier session, as an entry of this one (its audio is not kept, only its text). */
	static Conversation.Entry entry(StoredItem stored) {
		ContextItem context = context(stored);
		ConversationItem item = switch (stored.type()) {
			case "function_call" -> new ConversationItem.FunctionCall(stored.id(), ConversationItem.Status.COMPLETED,
					context.callId(), (context.name() != null) ? context.name() : "", context.text());
			case "function_call_output" -> new ConversationItem.FunctionCallOutput(stored.id(),
					ConversationItem.Status.COMPLETED, (context.callId() != null) ? context.callId() : "", context.text());
			default -> message(stored, context.text());
		};
		return new Conversation.Entry(stored.id(), item, context, 0, -1);
	}

	private static ConversationItem message(StoredItem stored, String text) {
		String part = stored.item().path("content").path(0).path("type").asString("input_text");
		ConversationItem.ContentPart content = switch (part) {
			case "input_audio" -> new ConversationItem.InputAudio(null, text);
			case "output_audio" -> new ConversationItem.OutputAudio(null, text);
			case "output_text" -> new ConversationItem.OutputText(text);
			default -> new ConversationItem.InputText(text);
		};
		ConversationItem.Role role = switch (String.valueOf(stored.role())) {
			case "assistant" -> ConversationItem.Role.ASSISTANT;
			case "system" -> ConversationItem.Role.SYSTEM;
			default -> ConversationItem.Role.USER;
		};
		ConversationItem.Status status = "incomplete".equals(stored.status()) ? ConversationItem.Status.INCOMPLETE
				: ConversationItem.Status.COMPLETED;
		return new ConversationItem.Message(stored.id(), status, role, List.of(content));
	}

	/**
	 * An entry as stored: the GA item as the client sees it (written by the protocol's own writer),
	 * its text as heard, and its timing on this session's clock.
	 */
	static StoredItem stored(Conversation.Entry entry, SessionGrant grant, JsonMapper json, ServerEvents events,
			@Nullable Long truncatedAtMs) {
		JsonNode item = json.readTree(events.conversationItemRetrieved(entry.item)).path("item");
		ContextItem context = entry.context;
		String role = (context.role() != null) ? context.role() : null;
		String status = (entry.item instanceof ConversationItem.Message message && message.status() != null)
				? message.status().wireName() : "completed";
		Long started = (entry.startedMs >= 0) ? entry.startedMs : null;
		Long ended = (started != null) ? started + ((truncatedAtMs != null) ? truncatedAtMs : entry.audioMs) : null;
		String text = switch (context.type()) {
			case "function_call" -> context.name() + "(" + context.text() + ")";
			default -> context.text();
		};
		return new StoredItem(entry.id, grant.conversationId(), grant.tenantId(), grant.sessionId(), context.type(),
				"message".equals(context.type()) ? role : null, status, item, text, started, ended, truncatedAtMs);
	}

	private static long audioMs(StoredItem stored) {
		if (stored.startedMs() != null && stored.endedMs() != null) {
			return Math.max(0, stored.endedMs() - stored.startedMs());
		}
		return 0;
	}

	/** The text of a message's parts, transcripts included. */
	static String text(List<ConversationItem.ContentPart> parts) {
		List<String> texts = new ArrayList<>();
		for (ConversationItem.ContentPart part : parts) {
			String text = switch (part) {
				case ConversationItem.InputText input -> input.text();
				case ConversationItem.OutputText output -> output.text();
				case ConversationItem.InputAudio audio -> audio.transcript();
				case ConversationItem.OutputAudio audio -> audio.transcript();
				default -> null;
			};
			if (text != null && !text.isEmpty()) {
				texts.add(text);
			}
		}
		return String.join(" ", texts);
	}

}

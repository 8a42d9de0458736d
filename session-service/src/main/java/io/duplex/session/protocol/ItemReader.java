package io.duplex.session.protocol;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.duplex.session.protocol.ConversationItem.ContentPart;
import io.duplex.session.protocol.ConversationItem.Role;
import io.duplex.session.protocol.ConversationItem.Status;
import org.jspecify.annotations.Nullable;

/**
 * Reads the conversation items clients send in {@code conversation.item.create} and in the
 * {@code input} of {@code response.create}. Each content type takes only its own members, and
 * each role only the content types the GA protocol gives it: the beta's assistant {@code text}
 * and {@code audio} parts are refused with the supported GA names, as OpenAI refuses them.
 */
final class ItemReader {

	private static final Map<String, Role> ROLES = WireObject.choicesOf(Role.values(), Role::wireName);

	private static final Map<String, Status> STATUSES = WireObject.choicesOf(Status.values(), Status::wireName);

	private static final Map<String, String> ITEM_TYPES = WireObject.choicesOf("message", "function_call",
			"function_call_output");

	private static final Map<String, String> INPUT_ITEM_TYPES = WireObject.choicesOf("message", "function_call",
			"function_call_output", "item_reference");

	private static final Map<String, String> OBJECTS = WireObject.choicesOf("realtime.item");

	private static final Map<Role, Map<String, String>> PART_TYPES = Map.of(Role.SYSTEM,
			WireObject.choicesOf("input_text"), Role.USER,
			WireObject.choicesOf("input_text", "input_audio", "input_image"), Role.ASSISTANT,
			WireObject.choicesOf("output_text", "output_audio"));

	private static final Map<String, String> IMAGE_DETAILS = WireObject.choicesOf("auto", "low", "high");

	private ItemReader() {
	}

	/**
	 * Reads one item.
	 * @param referencesAllowed whether {@code item_reference} may stand for an existing item, as
	 * it may in {@code response.create}'s input only
	 */
	static ConversationItem item(WireObject item, boolean referencesAllowed) {
		String type = item.choice("type", referencesAllowed ? INPUT_ITEM_TYPES : ITEM_TYPES);
		return switch (type) {
			case "message" -> message(item.allowOnly(Set.of("id", "object", "type", "status", "role", "content")));
			case "function_call" -> {
				item.allowOnly(Set.of("id", "object", "type", "status", "call_id", "name", "arguments"));
				yield new ConversationItem.FunctionCall(item.optString("id"), status(item), item.optString("call_id"),
						item.string("name"), item.string("arguments"));
			}
			case "function_call_output" -> {
				item.allowOnly(Set.of("id", "object", "type", "status", "call_id", "output"));
				yield new ConversationItem.FunctionCallOutput(item.optString("id"), status(item),
						item.string("call_id"), item.string("output"));
			}
			default -> new ConversationItem.ItemReference(item.allowOnly(Set.of("type", "id")).string("id"));
		};
	}

	private static ConversationItem.Message message(WireObject message) {
		String id = message.optString("id");
		Status status = status(message);
		Role role = message.choice("role", ROLES);
		Map<String, String> partTypes = PART_TYPES.get(role);
		List<ContentPart> content = message.array("content").objects((part) -> part(part, partTypes));
		return new ConversationItem.Message(id, status, role, content);
	}

	private static @Nullable Status status(WireObject item) {
		item.optChoice("object", OBJECTS);
		return item.optChoice("status", STATUSES);
	}

	private static ContentPart part(WireObject part, Map<String, String> partTypes) {
		return switch (part.choice("type", partTypes)) {
			case "input_text" -> new ConversationItem.InputText(part.allowOnly(Set.of("type", "text")).string("text"));
			case "output_text" -> new ConversationItem.OutputText(part.allowOnly(Set.of("type", "text")).string("text"));
			case "input_audio" -> {
				part.allowOnly(Set.of("type", "audio", "transcript"));
				yield new ConversationItem.InputAudio(part.base64("audio"), part.optString("transcript"));
			}
			case "input_image" -> {
				part.allowOnly(Set.of("type", "image_url", "detail"));
				yield new ConversationItem.InputImage(part.string("image_url"), part.optChoice("detail", IMAGE_DETAILS));
			}
			default -> {
				part.allowOnly(Set.of("type", "audio", "transcript"));
				String transcript = part.string("transcript");
				yield new ConversationItem.OutputAudio(part.optBase64("audio"), transcript);
			}
		};
	}

}

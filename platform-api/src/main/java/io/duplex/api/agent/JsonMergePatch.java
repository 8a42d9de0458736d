package io.duplex.api.agent;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies a JSON merge patch: fields present replace, objects merge, {@code null} removes a field
 * (which, for an agent, puts its default back), arrays are replaced whole. One addition: when a
 * patch object changes the {@code type} of the object it merges into (such as
 * {@code turn_detection} going from {@code server_vad} to {@code semantic_vad}), it replaces that
 * object, because the fields of one type mean nothing to another.
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7396">RFC 7396</a>
 */
final class JsonMergePatch {

	private JsonMergePatch() {
	}

	/** The patched document; neither argument is changed. */
	static JsonNode apply(JsonNode target, JsonNode patch) {
		if (!patch.isObject()) {
			return patch.deepCopy();
		}
		ObjectNode result = (target.isObject() && !changesType(target, patch)) ? (ObjectNode) target.deepCopy()
				: JsonNodeFactory.instance.objectNode();
		for (Map.Entry<String, JsonNode> field : patch.properties()) {
			if (field.getValue().isNull()) {
				result.remove(field.getKey());
			}
			else {
				result.set(field.getKey(), apply(result.path(field.getKey()), field.getValue()));
			}
		}
		return result;
	}

	private static boolean changesType(JsonNode target, JsonNode patch) {
		JsonNode type = patch.get("type");
		return type != null && !type.isNull() && !type.equals(target.get("type"));
	}

}

package io.duplex.session.protocol;

import java.io.StringWriter;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A configuration as the {@code session.update} a client would send to set it: what a session
 * stores so that a resume, on any node, restores it through the same decoder and the same checks
 * as the client's own updates. Thread-safe.
 */
public final class SessionUpdates {

	private final JsonMapper mapper;

	public SessionUpdates(JsonMapper mapper) {
		this.mapper = mapper;
	}

	public String write(SessionConfig session) {
		StringWriter out = new StringWriter(1024);
		try (JsonGenerator json = this.mapper.createGenerator(out)) {
			SessionWriter.session(json, "", 0, session);
		}
		ObjectNode object = (ObjectNode) this.mapper.readTree(out.toString());
		// what the server reports but a client does not set
		object.remove(List.of("object", "id", "expires_at"));
		// settings that are off are left out of session objects, but an update must say so, or the
		// agent's own setting would come back
		if (session.input() != null && object.path("audio").path("input") instanceof ObjectNode input) {
			cleared(input, "transcription", session.input().transcription());
			cleared(input, "noise_reduction", session.input().noiseReduction());
		}
		ObjectNode update = this.mapper.createObjectNode().put("type", "session.update");
		update.set("session", object);
		return this.mapper.writeValueAsString(update);
	}

	private static void cleared(ObjectNode parent, String name, @Nullable Clearable<?> setting) {
		if (setting != null && setting.isCleared()) {
			parent.putNull(name);
		}
	}

}

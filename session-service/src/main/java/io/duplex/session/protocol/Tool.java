package io.duplex.session.protocol;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/** A tool the model may call, as a session or a response lists it in {@code tools}. */
public sealed interface Tool {

	/**
	 * A function the client runs.
	 * @param parameters the JSON Schema of the arguments, kept as sent
	 */
	record Function(String name, @Nullable String description, @Nullable ObjectNode parameters) implements Tool {

	}

	/**
	 * A remote MCP server. Duplex does not model MCP: the definition is kept verbatim so that
	 * the engine can refuse it, or pass it to a provider that understands it.
	 */
	record Mcp(String serverLabel, ObjectNode definition) implements Tool {

	}

}

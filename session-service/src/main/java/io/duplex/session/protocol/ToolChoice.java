package io.duplex.session.protocol;

import org.jspecify.annotations.Nullable;

/** How the model chooses tools: a mode, or one function or MCP tool it must call. */
public sealed interface ToolChoice {

	/** {@code none}, {@code auto} (the default) or {@code required}. */
	record Mode(String mode) implements ToolChoice {

		public static final Mode AUTO = new Mode("auto");

	}

	/** Call this function. */
	record Function(String name) implements ToolChoice {

	}

	/** Call a tool of this MCP server, or the named one. */
	record Mcp(String serverLabel, @Nullable String name) implements ToolChoice {

	}

}

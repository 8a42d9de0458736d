package io.duplex.core.agent;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The limits on what an agent's configuration holds, the same whether the agent is written
 * ({@code POST /v1/agents}) or a client secret's session overrides part of it: a tool list a
 * client may send is one an agent may hold, and the other way round.
 */
public final class AgentLimits {

	/** The most characters of an agent's {@code name}. */
	public static final int MAX_NAME = 128;

	/**
	 * The most tokens of one response ({@code max_output_tokens}), on an agent and in a client's
	 * {@code session.update} alike: the Realtime API's own ceiling.
	 */
	public static final int MAX_OUTPUT_TOKENS = 4096;

	/** The most characters of {@code instructions}. */
	public static final int MAX_INSTRUCTIONS = 32_768;

	/** The most tools in {@code tools}. */
	public static final int MAX_TOOLS = 128;

	/** The most characters of a tool's name. */
	public static final int MAX_TOOL_NAME = 64;

	/** A tool's name: 1 to {@value #MAX_TOOL_NAME} letters, digits, {@code _} or {@code -}. */
	public static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1," + MAX_TOOL_NAME + "}");

	/** The most characters of a tool's {@code description}. */
	public static final int MAX_TOOL_DESCRIPTION = 1024;

	/** The {@code tool_choice} values that name no tool; the other form is {@code {type: function, name}}. */
	public static final Set<String> TOOL_CHOICE_MODES = Set.of("auto", "none", "required");

	private AgentLimits() {
	}

}

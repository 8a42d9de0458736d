package io.duplex.session.provider;

import java.util.List;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * What one response should be.
 * @param responseId the engine's id for it
 * @param context the whole conversation so far, in order, as the model should see it
 * @param outputModalities {@code ["audio"]} (audio with a transcript) or {@code ["text"]}
 * @param instructions overrides the session's instructions for this response, if set
 * @param tools the functions the model may call (OpenAI function definitions)
 * @param toolChoice {@code auto}, {@code none}, {@code required} or a function's name
 * @param maxOutputTokens {@code null} for no limit
 */
public record ResponseSpec(String responseId, List<ContextItem> context, List<String> outputModalities,
		@Nullable String instructions, List<JsonNode> tools, String toolChoice, @Nullable Integer maxOutputTokens) {
}

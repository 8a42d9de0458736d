package io.duplex.session.provider;

import org.jspecify.annotations.Nullable;

/**
 * A conversation item as a model sees it: text only (audio turns by their transcript), which is
 * also how context is carried into a fresh upstream session.
 * @param type {@code message}, {@code function_call} or {@code function_call_output}
 * @param role for messages: {@code user}, {@code assistant} or {@code system}
 * @param text the message's text or transcript (as heard, if truncated); for a function call its
 * arguments; for a function output the output
 * @param name the function's name, for function calls
 * @param callId links a function call and its output
 * @param audioMs how much audio the item carried (0 for text), for token accounting
 */
public record ContextItem(String id, String type, @Nullable String role, String text, @Nullable String name,
		@Nullable String callId, long audioMs) {

	public static ContextItem message(String id, String role, String text, long audioMs) {
		return new ContextItem(id, "message", role, text, null, null, audioMs);
	}

}

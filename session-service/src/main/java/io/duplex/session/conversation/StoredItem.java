package io.duplex.session.conversation;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * One committed item of a conversation, as the realtime engine hands it to the
 * {@link ConversationStore} and reads it back.
 * @param id the item's id ({@code item_…}), unique within its conversation
 * @param sessionId the session that produced the item
 * @param type {@code message}, {@code function_call} or {@code function_call_output}
 * @param role {@code user}, {@code assistant} or {@code system} for messages; {@code null} otherwise
 * @param status the item's protocol status, e.g. {@code completed} or {@code incomplete}
 * @param item the OpenAI Realtime GA conversation item, without audio bytes
 * @param text plain text for transcripts: the transcript or text of a message, a readable
 * rendering of a function call or its output; {@code null} when there is none (e.g. audio that
 * was not transcribed)
 * @param startedMs when the item's audio started, on the producing session's clock
 * @param endedMs when the item's audio ended, on the producing session's clock
 * @param truncatedAtMs how much of an interrupted assistant item's audio the user heard, in
 * milliseconds from the item's start (the protocol's {@code audio_end_ms}); {@code null} unless
 * it was truncated
 */
public record StoredItem(String id, String conversationId, String tenantId, String sessionId, String type,
		@Nullable String role, String status, JsonNode item, @Nullable String text, @Nullable Long startedMs,
		@Nullable Long endedMs, @Nullable Long truncatedAtMs) {

	/** Whether the item was cut off where the user stopped hearing it. */
	public boolean truncated() {
		return this.truncatedAtMs != null;
	}

}

package io.duplex.session.conversation;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A session's transcript as JSON: {@code object} is {@code realtime.transcript}.
 * @param session the session's id
 * @param conversation the conversation the session carried
 */
record TranscriptResponse(String object, String session, String conversation, List<Entry> items) {

	static TranscriptResponse from(Transcript transcript) {
		return new TranscriptResponse("realtime.transcript", transcript.sessionId(), transcript.conversationId(),
				transcript.items().stream().map(Entry::from).toList());
	}

	/**
	 * One item of a transcript.
	 * @param text what was said or done, on one line; for a truncated item only what was heard
	 * @param truncatedAtMs how much of the item's audio the user heard, in milliseconds from its start
	 */
	record Entry(String id, String type, @Nullable String role, @Nullable String text, @Nullable Long startedMs,
			@Nullable Long endedMs, boolean truncated, @Nullable Long truncatedAtMs) {

		static Entry from(StoredItem item) {
			return new Entry(item.id(), item.type(), item.role(), Transcripts.plainText(item), item.startedMs(),
					item.endedMs(), item.truncated(), item.truncatedAtMs());
		}

	}

}

package io.duplex.session.conversation;

import java.util.List;

/** The live items one session produced, in conversation order: what a transcript shows. */
record Transcript(String sessionId, String conversationId, List<StoredItem> items) {

	Transcript {
		items = List.copyOf(items);
	}

}

package io.duplex.session.engine;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.duplex.session.protocol.ConversationItem;
import io.duplex.session.provider.ContextItem;

/**
 * The conversation as the session holds it: items in order, each both as the client sees it
 * (protocol item) and as the model sees it (text context). Engine thread only.
 */
final class Conversation {

	/** One item; {@code context} is what a model is given (the heard part, once truncated). */
	static final class Entry {

		final String id;

		ConversationItem item;

		ContextItem context;

		/** Audio the item carries, in ms (user turns and assistant audio), for truncation checks. */
		long audioMs;

		/** Where, on the session clock, the item's audio began; -1 when it has none. */
		long startedMs;

		boolean truncated;

		Entry(String id, ConversationItem item, ContextItem context, long audioMs, long startedMs) {
			this.id = id;
			this.item = item;
			this.context = context;
			this.audioMs = audioMs;
			this.startedMs = startedMs;
		}

	}

	private final List<Entry> entries = new ArrayList<>();

	/** Adds after {@code previousItemId}, or at the end when that is null or unknown. */
	void add(@Nullable String previousItemId, Entry entry) {
		int index = (previousItemId != null) ? indexOf(previousItemId) : -1;
		if (index >= 0) {
			this.entries.add(index + 1, entry);
		}
		else {
			this.entries.add(entry);
		}
	}

	@Nullable Entry find(String id) {
		int index = indexOf(id);
		return (index >= 0) ? this.entries.get(index) : null;
	}

	boolean remove(String id) {
		int index = indexOf(id);
		if (index < 0) {
			return false;
		}
		this.entries.remove(index);
		return true;
	}

	/** The id of the item before {@code id}, or null if it is first (or unknown). */
	@Nullable String previousOf(String id) {
		int index = indexOf(id);
		return (index > 0) ? this.entries.get(index - 1).id : null;
	}

	@Nullable String lastId() {
		return this.entries.isEmpty() ? null : this.entries.get(this.entries.size() - 1).id;
	}

	/** What a model is given for a response: every item, in order. */
	List<ContextItem> context() {
		List<ContextItem> context = new ArrayList<>(this.entries.size());
		for (Entry entry : this.entries) {
			context.add(entry.context);
		}
		return context;
	}

	/** Whether the last item is a function call whose output the client has not added yet. */
	boolean awaitsToolOutput() {
		return !this.entries.isEmpty() && "function_call".equals(this.entries.get(this.entries.size() - 1).context.type());
	}

	int size() {
		return this.entries.size();
	}

	private int indexOf(String id) {
		for (int i = this.entries.size() - 1; i >= 0; i--) {
			if (this.entries.get(i).id.equals(id)) {
				return i;
			}
		}
		return -1;
	}

}

package io.duplex.session.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.duplex.session.protocol.ConversationItem;
import io.duplex.session.provider.ContextItem;

/**
 * The conversation as the session holds it: items in order, each both as the client sees it
 * (protocol item) and as the model sees it (text context). After a rollover the model sees what
 * was carried in place of the items left behind (a summary, say), then the items that stayed and
 * those that came since. Engine thread only.
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

	/** Items and characters of text held before the oldest are let go ({@link SessionLimits}). */
	private final int maxItems;

	private final long maxText;

	/** What the model is given ahead of the items: carried items of no entry's own (a summary). */
	private List<ContextItem> head = List.of();

	/** Items a rollover did not carry: the client still has them, the model no longer does. */
	private final Set<String> leftBehind = new HashSet<>();

	/** Items a rollover carried as text: the model has their transcript, not their audio. */
	private final Set<String> asText = new HashSet<>();

	/** A conversation without limits. */
	Conversation() {
		this(Integer.MAX_VALUE, Long.MAX_VALUE);
	}

	Conversation(int maxItems, long maxText) {
		this.maxItems = maxItems;
		this.maxText = maxText;
	}

	/**
	 * Adds after {@code previousItemId}, or at the end when that is null or unknown; the oldest
	 * items make room when the conversation is over its limits.
	 */
	void add(@Nullable String previousItemId, Entry entry) {
		int index = (previousItemId != null) ? indexOf(previousItemId) : -1;
		if (index >= 0) {
			this.entries.add(index + 1, entry);
		}
		else {
			this.entries.add(entry);
		}
		trim(this.maxItems, this.maxText);
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

	/**
	 * What a model is given for a response: every item, in order, but for those a rollover left
	 * behind, whose place its carried summary (if any) takes.
	 */
	List<ContextItem> context() {
		List<ContextItem> context = new ArrayList<>(this.head.size() + this.entries.size());
		context.addAll(this.head);
		for (Entry entry : this.entries) {
			if (this.leftBehind.contains(entry.id)) {
				continue;
			}
			ContextItem item = entry.context;
			if (item.audioMs() > 0 && this.asText.contains(entry.id)) {
				item = new ContextItem(item.id(), item.type(), item.role(), item.text(), item.name(), item.callId(), 0);
			}
			context.add(item);
		}
		return context;
	}

	/**
	 * A rollover moved the model to a fresh upstream given {@code carried} in place of
	 * {@code before}, the context it had: items of {@code before} that were not carried are left
	 * behind, and carried items of no entry (a summary) lead what the model is given.
	 */
	void carried(List<ContextItem> before, List<ContextItem> carried) {
		Set<String> had = new HashSet<>();
		before.forEach((item) -> had.add(item.id()));
		Set<String> heads = new HashSet<>();
		this.head.forEach((item) -> heads.add(item.id()));
		Set<String> kept = new HashSet<>();
		List<ContextItem> head = new ArrayList<>();
		for (ContextItem item : carried) {
			kept.add(item.id());
			if (indexOf(item.id()) >= 0) {
				this.asText.add(item.id());
			}
			else if (!had.contains(item.id()) || heads.contains(item.id())) {
				head.add(item);
			}
			// else an item the client deleted during the switch
		}
		for (String id : had) {
			if (!kept.contains(id)) {
				this.leftBehind.add(id);
			}
		}
		this.head = List.copyOf(head);
	}

	/** Whether the last item is a function call whose output the client has not added yet. */
	boolean awaitsToolOutput() {
		return !this.entries.isEmpty() && "function_call".equals(this.entries.get(this.entries.size() - 1).context.type());
	}

	int size() {
		return this.entries.size();
	}

	/** Characters of text the items hold, as the model reads them. */
	long textSize() {
		long size = 0;
		for (Entry entry : this.entries) {
			size += SessionBudgets.size(entry);
		}
		return size;
	}

	/**
	 * Lets the oldest items go while there are more than {@code maxItems} or they hold more than
	 * {@code maxText} characters; the newest always stays. They are still in the store.
	 * @return how many were let go
	 */
	int trim(int maxItems, long maxText) {
		long size = textSize();
		int dropped = 0;
		while (this.entries.size() > 1 && (this.entries.size() > maxItems || size > maxText)) {
			Entry oldest = this.entries.remove(0);
			size -= SessionBudgets.size(oldest);
			this.leftBehind.remove(oldest.id);
			this.asText.remove(oldest.id);
			dropped++;
		}
		return dropped;
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

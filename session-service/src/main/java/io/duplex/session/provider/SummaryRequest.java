package io.duplex.session.provider;

import java.util.ArrayList;
import java.util.List;

/**
 * A side request to the agent's own model for a summary of the earlier part of a conversation,
 * which a rollover carries in place of those items. The model gets {@link #instructions()} and the
 * items as text messages ({@link #messages()}), answers in text, and nothing of it joins the
 * conversation.
 * @param earlier the items to summarise, oldest first, as text (an audio turn by its transcript)
 * @param maxTokens the most the summary may take, in text tokens
 */
public record SummaryRequest(List<ContextItem> earlier, int maxTokens) {

	/** The last message: the request itself, after the conversation it is about. */
	static final String ASK = "Write the summary of the conversation above now.";

	public SummaryRequest {
		if (earlier.isEmpty()) {
			throw new IllegalArgumentException("a summary needs items to summarise");
		}
		if (maxTokens <= 0) {
			throw new IllegalArgumentException("a summary needs a positive token budget, not " + maxTokens);
		}
		earlier = List.copyOf(earlier);
	}

	/** What the model is told for this one answer, in place of the agent's instructions. */
	public String instructions() {
		// about three words to four tokens in English; the caller trims a summary that runs over anyway
		int words = Math.max(1, this.maxTokens * 3 / 4);
		return "You summarise a conversation between a user and an assistant, for the assistant that continues it "
				+ "without seeing it. Keep what matters for going on: who the user is and what they want, the facts, "
				+ "names and numbers given, what was decided or promised, what the tools returned, and what is still "
				+ "open. Write plain prose in the language of the conversation, at most " + words
				+ " words, with no preamble.";
	}

	/**
	 * The items as text messages (a function call and its output as system notes, since a summary
	 * needs no tools), then the request: {@code user}, {@code assistant} or {@code system}. Items
	 * with no text are left out.
	 */
	public List<Message> messages() {
		List<Message> messages = new ArrayList<>();
		for (ContextItem item : this.earlier) {
			String text = item.text().strip();
			switch (item.type()) {
				case "function_call" -> messages.add(new Message("system",
						"The assistant called the tool " + item.name() + " with " + (text.isEmpty() ? "{}" : text) + "."));
				case "function_call_output" -> messages.add(new Message("system", "The tool answered: " + text));
				default -> {
					String role = (item.role() != null) ? item.role() : "user";
					if (!text.isEmpty()) {
						messages.add(new Message(role, text));
					}
				}
			}
		}
		messages.add(new Message("user", ASK));
		return messages;
	}

	/** A message of the request. */
	public record Message(String role, String text) {
	}

}

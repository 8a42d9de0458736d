package io.duplex.session.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.duplex.session.provider.ContextItem;
import io.duplex.session.text.TextTokens;

/**
 * What a fresh upstream session is given at a rollover: the conversation as text (an audio turn
 * by its transcript, so it is paid as text tokens, not audio), within the agent's token budget.
 * <ul>
 * <li>{@code full}: the items themselves; when they exceed the budget, the oldest are left out.</li>
 * <li>{@code summary}: the latest items as they are, up to half the budget, and the earlier ones as
 * one system item: the summary the agent's model wrote of them ({@link #summarised}), or, when
 * there is none, one that condenses each to its first sentence, trimmed from its oldest end to
 * fit.</li>
 * </ul>
 * Without a model's summary it is deterministic: the same conversation and policy give the same
 * context. A function output whose call was left out is left out too.
 */
final class ContextCarry {

	/** Words kept of an earlier item in a summary. */
	private static final int SUMMARY_WORDS = 24;

	/** Tokens a chat format adds to each item. */
	private static final int FRAMING = 4;

	/** How a summary the model wrote begins. */
	static final String MODEL_HEADER = "Summary of the earlier conversation: ";

	private ContextCarry() {
	}

	static List<ContextItem> carry(List<ContextItem> context, String strategy, int maxTokens, int segment) {
		if ("summary".equals(strategy)) {
			return condensed(split(context, maxTokens), maxTokens, segment);
		}
		return newest(context.stream().map(ContextCarry::asText).toList(), maxTokens);
	}

	/**
	 * A {@code summary} carry's two parts, as text: the newest items kept as they are (up to half
	 * the budget) and the earlier ones, to be summarised. A function output whose call is among the
	 * earlier items goes with them.
	 */
	record Split(List<ContextItem> earlier, List<ContextItem> recent) {

		/** What a summary of the earlier items may take: the budget less the recent items and the item's framing. */
		long summaryBudget(int maxTokens) {
			return maxTokens - this.recent.stream().mapToLong(ContextCarry::tokens).sum() - FRAMING;
		}

	}

	static Split split(List<ContextItem> context, int maxTokens) {
		List<ContextItem> items = context.stream().map(ContextCarry::asText).toList();
		int from = newestFrom(items, maxTokens / 2);
		List<ContextItem> recent = withoutOrphans(items.subList(from, items.size()));
		List<ContextItem> earlier = new ArrayList<>(items.subList(0, from));
		for (ContextItem item : items.subList(from, items.size())) {
			if (!recent.contains(item)) {
				earlier.add(item);
			}
		}
		return new Split(List.copyOf(earlier), recent);
	}

	/** The newest items whose tokens fit {@code budget}, oldest first. */
	static List<ContextItem> newest(List<ContextItem> items, long budget) {
		return withoutOrphans(items.subList(newestFrom(items, budget), items.size()));
	}

	/** Where the newest items that fit {@code budget} start. */
	private static int newestFrom(List<ContextItem> items, long budget) {
		int from = items.size();
		long used = 0;
		while (from > 0) {
			long tokens = tokens(items.get(from - 1));
			if (used + tokens > budget) {
				break;
			}
			used += tokens;
			from--;
		}
		return from;
	}

	/**
	 * The model's summary of the earlier items as one system item, then the recent items: within
	 * {@code maxTokens}, the summary cut short at a word if the model wrote more than it was asked.
	 */
	static List<ContextItem> summarised(Split split, String summary, int maxTokens, int segment) {
		long left = split.summaryBudget(maxTokens);
		String text = MODEL_HEADER + summary.strip();
		if (TextTokens.count(text) > left) {
			text = cut(text, left);
		}
		List<ContextItem> carried = new ArrayList<>();
		carried.add(ContextItem.message("item_summary_" + segment, "system", text, 0));
		carried.addAll(split.recent());
		return carried;
	}

	/** The longest run of {@code text}'s first words that fits {@code maxTokens} with the mark of a cut. */
	private static String cut(String text, long maxTokens) {
		String[] words = text.split("\\s+");
		int fits = 0;
		int tooMany = words.length;
		while (tooMany - fits > 1) {
			int middle = (fits + tooMany) >>> 1;
			if (TextTokens.count(cutAt(words, middle)) <= maxTokens) {
				fits = middle;
			}
			else {
				tooMany = middle;
			}
		}
		return cutAt(words, fits);
	}

	private static String cutAt(String[] words, int count) {
		return String.join(" ", List.of(words).subList(0, count)) + " …";
	}

	/** The deterministic summary: each earlier item condensed to a line, the oldest lines dropped to fit. */
	static List<ContextItem> condensed(Split split, int maxTokens, int segment) {
		List<ContextItem> recent = split.recent();
		List<ContextItem> earlier = split.earlier();
		if (earlier.isEmpty()) {
			return recent;
		}
		long left = maxTokens - recent.stream().mapToLong(ContextCarry::tokens).sum();
		List<String> lines = new ArrayList<>();
		for (ContextItem item : earlier) {
			String line = line(item);
			if (!line.isEmpty()) {
				lines.add(line);
			}
		}
		String header = "Summary of the conversation so far:";
		// drop the oldest lines until the summary fits what the recent items leave
		int first = 0;
		String text = summary(header, lines, first);
		while (first < lines.size() && TextTokens.count(text) > left) {
			first++;
			text = summary(header, lines, first);
		}
		List<ContextItem> carried = new ArrayList<>();
		if (first < lines.size()) {
			carried.add(ContextItem.message("item_summary_" + segment, "system", text, 0));
		}
		carried.addAll(recent);
		return carried;
	}

	private static String summary(String header, List<String> lines, int first) {
		StringBuilder text = new StringBuilder(header);
		for (int i = first; i < lines.size(); i++) {
			text.append('\n').append(lines.get(i));
		}
		return text.toString();
	}

	/** One earlier item in a line: who, and the first sentence of what (at most a couple of dozen words). */
	private static String line(ContextItem item) {
		String text = item.text().strip();
		return switch (item.type()) {
			case "function_call" -> "- The assistant called " + item.name() + ".";
			case "function_call_output" -> "- A tool answered: " + firstSentence(text);
			default -> text.isEmpty() ? "" : "- " + capitalised(String.valueOf(item.role())) + ": " + firstSentence(text);
		};
	}

	private static String firstSentence(String text) {
		int end = text.length();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if ((c == '.' || c == '?' || c == '!') && (i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1)))) {
				end = i + 1;
				break;
			}
		}
		String[] words = text.substring(0, end).split("\\s+");
		if (words.length <= SUMMARY_WORDS) {
			return String.join(" ", words);
		}
		return String.join(" ", List.of(words).subList(0, SUMMARY_WORDS)) + " …";
	}

	private static String capitalised(String role) {
		return role.isEmpty() ? role : role.substring(0, 1).toUpperCase(Locale.ROOT) + role.substring(1);
	}

	/** A function output whose call was left out goes too: a model refuses an output of no call. */
	private static List<ContextItem> withoutOrphans(List<ContextItem> items) {
		Set<String> calls = new HashSet<>();
		List<ContextItem> kept = new ArrayList<>();
		for (ContextItem item : items) {
			if ("function_call".equals(item.type()) && item.callId() != null) {
				calls.add(item.callId());
			}
			if (!"function_call_output".equals(item.type()) || calls.contains(item.callId())) {
				kept.add(item);
			}
		}
		return kept;
	}

	/** The item as text: audio is carried by its transcript, priced as text. */
	private static ContextItem asText(ContextItem item) {
		return (item.audioMs() == 0) ? item
				: new ContextItem(item.id(), item.type(), item.role(), item.text(), item.name(), item.callId(), 0);
	}

	static long tokens(ContextItem item) {
		// a few tokens of framing per item, as chat formats add
		return TextTokens.count(item.text()) + FRAMING;
	}

}

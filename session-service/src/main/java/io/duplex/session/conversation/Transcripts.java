package io.duplex.session.conversation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * Renders a session's items as plain text, WebVTT and SRT: one line or cue per item, the speaker
 * named, function calls written readably, and a truncated reply shown as far as it was heard with
 * a trailing {@code …}.
 * @see <a href="https://www.w3.org/TR/webvtt1/">WebVTT</a>
 */
final class Transcripts {

	/** How long the cue of an item without timings (typed text, a function call) lasts. */
	static final long UNTIMED_CUE_MS = 1000;

	/** Shown for an item that has no text, e.g. speech that was not transcribed. */
	static final String NO_TEXT = "(no transcript)";

	static final String TRUNCATED = "…";

	private static final Pattern LINE_BREAKS = Pattern.compile("\\s*\\R\\s*");

	private Transcripts() {
	}

	/** {@code User: …} lines, one per item. */
	static String text(List<StoredItem> items) {
		StringBuilder out = new StringBuilder();
		for (StoredItem item : items) {
			out.append(speaker(item)).append(": ").append(spoken(item)).append('\n');
		}
		return out.toString();
	}

	/** A WebVTT file whose cues name the speaker in a voice span ({@code <v User>}). */
	static String vtt(List<StoredItem> items) {
		StringBuilder out = new StringBuilder("WEBVTT\n");
		for (Cue cue : cues(items)) {
			out.append('\n')
				.append(timestamp(cue.startMs(), '.'))
				.append(" --> ")
				.append(timestamp(cue.endMs(), '.'))
				.append('\n')
				.append("<v ")
				.append(cue.speaker())
				.append('>')
				.append(escapeVtt(cue.text()))
				.append('\n');
		}
		return out.toString();
	}

	/** An SRT file: numbered cues, the speaker as a {@code User:} prefix. */
	static String srt(List<StoredItem> items) {
		StringBuilder out = new StringBuilder();
		int number = 0;
		for (Cue cue : cues(items)) {
			if (number > 0) {
				out.append('\n');
			}
			out.append(++number)
				.append('\n')
				.append(timestamp(cue.startMs(), ','))
				.append(" --> ")
				.append(timestamp(cue.endMs(), ','))
				.append('\n')
				.append(cue.speaker())
				.append(": ")
				.append(cue.text())
				.append('\n');
		}
		return out.toString();
	}

	/**
	 * One cue per item, ordered by start as subtitle players need. An item without timings starts
	 * where the previous cue ended; a truncated item ends where the user stopped hearing it.
	 */
	static List<Cue> cues(List<StoredItem> items) {
		List<Cue> cues = new ArrayList<>();
		long previousEnd = 0;
		for (StoredItem item : items) {
			long start = (item.startedMs() != null) ? Math.max(0, item.startedMs()) : previousEnd;
			Long end = item.endedMs();
			Long heardMs = item.truncatedAtMs();
			if (heardMs != null && item.startedMs() != null && (end == null || item.startedMs() + heardMs < end)) {
				// truncation counts from the item's own start, as the protocol's audio_end_ms does
				end = item.startedMs() + heardMs;
			}
			// a cue must last: one with no (or no later) end gets a fixed length
			long stop = (end != null && end > start) ? end : start + UNTIMED_CUE_MS;
			cues.add(new Cue(start, stop, speaker(item), spoken(item)));
			previousEnd = stop;
		}
		// a stable sort: items that start together keep their conversation order
		cues.sort(Comparator.comparingLong(Cue::startMs));
		return cues;
	}

	/** {@code hh:mm:ss.ttt} (WebVTT, {@code separator} '.') or {@code hh:mm:ss,ttt} (SRT, ','). */
	static String timestamp(long ms, char separator) {
		long at = Math.max(0, ms);
		return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", at / 3_600_000, at / 60_000 % 60, at / 1000 % 60,
				separator, at % 1000);
	}

	/** Who an item is attributed to in a transcript. */
	static String speaker(StoredItem item) {
		return switch (item.type()) {
			case "function_call" -> "Function call";
			case "function_call_output" -> "Function output";
			default -> switch (Objects.requireNonNullElse(item.role(), "")) {
				case "user" -> "User";
				case "assistant" -> "Assistant";
				case "system" -> "System";
				default -> "Message";
			};
		};
	}

	/**
	 * The item's text on one line: the stored text, else what the item itself holds (its
	 * transcripts and texts, or {@code name(arguments)} of a call); {@code null} when there is none.
	 */
	static @Nullable String plainText(StoredItem item) {
		String text = (item.text() != null) ? item.text() : textOf(item.item());
		if (text == null) {
			return null;
		}
		String line = LINE_BREAKS.matcher(text).replaceAll(" ").strip();
		return line.isEmpty() ? null : line;
	}

	/** The text as a transcript line shows it: cut-off replies end with {@code …}, missing text is said so. */
	static String spoken(StoredItem item) {
		String text = plainText(item);
		if (item.truncated()) {
			return ((text != null) ? text : "") + TRUNCATED;
		}
		return (text != null) ? text : NO_TEXT;
	}

	/** Escapes what WebVTT cue text reserves: {@code &}, {@code <} and {@code >} (which also breaks up {@code -->}). */
	static String escapeVtt(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

	private static @Nullable String textOf(JsonNode item) {
		return switch (item.path("type").asString("")) {
			case "function_call" -> item.path("name").asString("") + "(" + item.path("arguments").asString("") + ")";
			case "function_call_output" -> item.path("output").asString(null);
			default -> contentText(item.path("content"));
		};
	}

	private static @Nullable String contentText(JsonNode content) {
		List<String> parts = new ArrayList<>();
		for (JsonNode part : content) {
			JsonNode text = part.has("text") ? part.get("text") : part.get("transcript");
			if (text != null && text.isString() && !text.asString().isBlank()) {
				parts.add(text.asString());
			}
		}
		return parts.isEmpty() ? null : String.join(" ", parts);
	}

}

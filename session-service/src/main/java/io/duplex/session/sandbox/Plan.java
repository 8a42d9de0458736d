package io.duplex.session.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A response's one output item and the time each of its deltas is due, in ms after the first.
 * <p>
 * Audio goes out in chunks of {@value #CHUNK_MS} ms, the chunk covering {@code [t, t + 100)} at
 * {@code t}, which is real-time pace. Text goes out word by word (a word carrying the white space
 * before it): a transcript's words when their audio starts (spread evenly over a played-back turn,
 * whose words the sandbox cannot know), text-only words every {@value #TEXT_INTERVAL_MS} ms, so that
 * interrupting a text answer can be exercised too. Function arguments go out in pieces of
 * {@value #ARGUMENTS_PIECE} characters, one every {@value #TEXT_INTERVAL_MS} ms.
 * @param type {@code message} or {@code function_call}
 * @param name the function's name, for a function call
 * @param callId the call's id, for a function call
 * @param text what the text steps are: transcript, text or arguments deltas
 * @param audio where the audio steps' samples come from; {@code null} without audio
 * @param steps the deltas, in the order they are due (audio first among deltas due together)
 */
record Plan(String type, @Nullable String name, @Nullable String callId, TextKind text, @Nullable AudioSource audio,
		List<Step> steps) {

	static final int CHUNK_MS = 100;

	static final int CHUNK_SAMPLES = CHUNK_MS * Turn.SAMPLES_PER_MS;

	static final int TEXT_INTERVAL_MS = 20;

	static final int ARGUMENTS_PIECE = 32;

	private static final Pattern WORD = Pattern.compile("\\s*\\S+");

	/** Which kind of delta carries a plan's text. */
	enum TextKind {

		TRANSCRIPT, TEXT, ARGUMENTS

	}

	/**
	 * One delta: {@code audioCount} samples from {@code audioFrom}, or a piece of text.
	 * @param atMs when it is due, after the first delta
	 */
	record Step(long atMs, int audioFrom, int audioCount, @Nullable String text) {
	}

	/** A word of a text and the index of its first character (its leading white space, if any). */
	record Word(int index, String text) {
	}

	/** A text-only message. */
	static Plan text(String text) {
		List<Step> steps = new ArrayList<>();
		List<Word> words = words(text);
		for (int i = 0; i < words.size(); i++) {
			steps.add(new Step((long) i * TEXT_INTERVAL_MS, 0, 0, words.get(i).text()));
		}
		return message(TextKind.TEXT, null, steps);
	}

	/** A spoken message: {@code text} in the sandbox's voice, each word's transcript when the word sounds. */
	static Plan spoken(String text) {
		Voice voice = new Voice(text);
		List<Step> steps = audioSteps(voice);
		for (Word word : words(text)) {
			int leadingSpace = word.text().length() - word.text().stripLeading().length();
			steps.add(new Step(voice.startMs(word.index() + leadingSpace), 0, 0, word.text()));
		}
		return message(TextKind.TRANSCRIPT, voice, steps);
	}

	/** A spoken message whose audio is a recording; its transcript's words spread evenly over it. */
	static Plan playback(String transcript, AudioSource.Recording recording) {
		List<Step> steps = audioSteps(recording);
		List<Word> words = words(transcript);
		long durationMs = recording.length() / Turn.SAMPLES_PER_MS;
		for (int i = 0; i < words.size(); i++) {
			steps.add(new Step(i * durationMs / words.size(), 0, 0, words.get(i).text()));
		}
		return message(TextKind.TRANSCRIPT, recording, steps);
	}

	/** A function call whose arguments are sent as they are, piece by piece. */
	static Plan functionCall(String name, String callId, String arguments) {
		List<Step> steps = new ArrayList<>();
		int from = 0;
		while (from < arguments.length()) {
			int to = Math.min(arguments.length(), from + ARGUMENTS_PIECE);
			if (to < arguments.length() && Character.isLowSurrogate(arguments.charAt(to))) {
				// never split a character in two: each delta must be valid text on its own
				to--;
			}
			steps.add(new Step((long) steps.size() * TEXT_INTERVAL_MS, 0, 0, arguments.substring(from, to)));
			from = to;
		}
		return new Plan("function_call", name, callId, TextKind.ARGUMENTS, null, List.copyOf(steps));
	}

	/** The words of {@code text}, which concatenated are the text itself. */
	static List<Word> words(String text) {
		List<Word> words = new ArrayList<>();
		Matcher matcher = WORD.matcher(text);
		int end = 0;
		while (matcher.find()) {
			words.add(new Word(matcher.start(), matcher.group()));
			end = matcher.end();
		}
		if (words.isEmpty()) {
			return text.isEmpty() ? words : List.of(new Word(0, text));
		}
		if (end < text.length()) {
			// trailing white space rides with the last word
			Word last = words.removeLast();
			words.add(new Word(last.index(), last.text() + text.substring(end)));
		}
		return words;
	}

	private static List<Step> audioSteps(AudioSource audio) {
		List<Step> steps = new ArrayList<>();
		for (int from = 0; from < audio.length(); from += CHUNK_SAMPLES) {
			steps.add(new Step(from / Turn.SAMPLES_PER_MS, from, Math.min(CHUNK_SAMPLES, audio.length() - from), null));
		}
		return steps;
	}

	private static Plan message(TextKind text, @Nullable AudioSource audio, List<Step> steps) {
		// a stable sort: audio steps, added first, lead among steps due together
		steps.sort(Comparator.comparingLong(Step::atMs));
		return new Plan("message", null, null, text, audio, List.copyOf(steps));
	}

}

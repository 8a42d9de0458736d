package io.duplex.session.cascade;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts streamed text into sentences for text to speech: a sentence ends at {@code .}, {@code !},
 * {@code ?} or {@code …} (and any closing quotes or brackets) followed by white space, or at a line
 * break. Waiting for the white space keeps "3.14" whole, at the cost of one more token. A sentence
 * that grows past {@link #MAX_CHARS} without ending is cut at its last space, so a model that never
 * stops a sentence still speaks. Not thread-safe: one per response.
 */
final class Sentences {

	/** Long enough for any natural sentence; short enough that speech starts in time. */
	static final int MAX_CHARS = 300;

	private final StringBuilder pending = new StringBuilder();

	/** The sentences {@code delta} completes, in order, without surrounding white space. */
	List<String> add(String delta) {
		List<String> done = new ArrayList<>(1);
		int scanFrom = this.pending.length();
		this.pending.append(delta);
		int start = 0;
		for (int i = Math.max(1, scanFrom); i < this.pending.length(); i++) {
			char c = this.pending.charAt(i);
			if (c == '\n' || (Character.isWhitespace(c) && endsSentence(i - 1, start))) {
				take(start, i, done);
				start = i + 1;
			}
		}
		if (start > 0) {
			this.pending.delete(0, start);
		}
		while (this.pending.length() > MAX_CHARS) {
			int cut = this.pending.lastIndexOf(" ", MAX_CHARS);
			cut = (cut <= 0) ? MAX_CHARS : cut;
			take(0, cut, done);
			this.pending.delete(0, cut);
		}
		return done;
	}

	/** What is left when the text ends, if anything. */
	List<String> end() {
		List<String> done = new ArrayList<>(1);
		take(0, this.pending.length(), done);
		this.pending.setLength(0);
		return done;
	}

	/** Whether the text up to {@code at} ends a sentence: a terminal mark, maybe inside quotes or brackets. */
	private boolean endsSentence(int at, int start) {
		int i = at;
		while (i > start && "\"')]»”’".indexOf(this.pending.charAt(i)) >= 0) {
			i--;
		}
		char c = this.pending.charAt(i);
		return c == '.' || c == '!' || c == '?' || c == '…';
	}

	private void take(int from, int to, List<String> done) {
		String sentence = this.pending.substring(from, to).strip();
		if (!sentence.isEmpty()) {
			done.add(sentence);
		}
	}

}

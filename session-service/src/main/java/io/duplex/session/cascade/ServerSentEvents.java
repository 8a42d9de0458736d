package io.duplex.session.cascade;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a {@code text/event-stream} body, as it arrives in chunks of bytes, into the data of its
 * events. Lines are split on bytes, so a character whose UTF-8 bytes straddle two chunks is decoded
 * whole. Only {@code data} fields matter to chat completions; comments, {@code event}, {@code id}
 * and {@code retry} fields are skipped. Not thread-safe: one per stream.
 * @see <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation">Event stream interpretation</a>
 */
final class ServerSentEvents {

	private final ByteArrayOutputStream line = new ByteArrayOutputStream();

	private final StringBuilder data = new StringBuilder();

	private boolean hasData;

	private boolean lastWasCarriageReturn;

	/** The data of each event the chunk completes, in order. */
	List<String> feed(byte[] chunk) {
		List<String> events = new ArrayList<>(1);
		for (byte b : chunk) {
			if (b == '\n' && this.lastWasCarriageReturn) {
				this.lastWasCarriageReturn = false;
				continue;
			}
			this.lastWasCarriageReturn = b == '\r';
			if (b == '\n' || b == '\r') {
				line(this.line.toString(StandardCharsets.UTF_8), events);
				this.line.reset();
			}
			else {
				this.line.write(b);
			}
		}
		return events;
	}

	/** The data of an event the stream ended without a blank line after, if any. */
	List<String> end() {
		List<String> events = new ArrayList<>(1);
		if (this.line.size() > 0) {
			line(this.line.toString(StandardCharsets.UTF_8), events);
			this.line.reset();
		}
		line("", events);
		return events;
	}

	private void line(String line, List<String> events) {
		if (line.isEmpty()) {
			if (this.hasData) {
				events.add(this.data.toString());
			}
			this.data.setLength(0);
			this.hasData = false;
			return;
		}
		if (line.startsWith(":")) {
			return;
		}
		int colon = line.indexOf(':');
		String field = (colon < 0) ? line : line.substring(0, colon);
		if (!field.equals("data")) {
			return;
		}
		String value = (colon < 0) ? "" : line.substring(colon + 1);
		if (value.startsWith(" ")) {
			value = value.substring(1);
		}
		if (this.hasData) {
			this.data.append('\n');
		}
		this.data.append(value);
		this.hasData = true;
	}

}

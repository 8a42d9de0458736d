package io.duplex.session.openai;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Sinks;

import io.duplex.session.protocol.Ids;
import io.duplex.session.provider.Summary;
import io.duplex.session.provider.TokenUsage;

/**
 * The summaries asked of the upstream: out-of-band responses ({@code conversation: "none"}) whose
 * metadata names them ({@value #PURPOSE}, and the request), so that their events are told from the
 * conversation's and never reach the engine. Thread-safe: requests come from the engine's thread,
 * events on the socket's.
 */
final class Summaries {

	/** The {@code metadata.purpose} of a summary's response. */
	static final String PURPOSE = "duplex_summary";

	/** A summary asked for: its request's event id (also its tag in the metadata), then the upstream's response. */
	static final class Pending {

		final String eventId;

		final Sinks.One<Summary> result = Sinks.one();

		final StringBuilder text = new StringBuilder();

		Pending(String eventId) {
			this.eventId = eventId;
		}

	}

	private final Map<String, Pending> byEventId = new HashMap<>();

	private final Map<String, Pending> byResponse = new HashMap<>();

	private @Nullable RuntimeException closed;

	/** A new summary request; its event id tags the {@code response.create}. Errors once the session is gone. */
	synchronized Pending requested() {
		if (this.closed != null) {
			throw this.closed;
		}
		Pending pending = new Pending(Ids.event());
		this.byEventId.put(pending.eventId, pending);
		return pending;
	}

	/** The caller gave up on it: its events, if any come, are still kept from the engine, then dropped. */
	synchronized void forget(Pending pending) {
		this.byEventId.remove(pending.eventId);
	}

	/**
	 * {@code response.created} for a summary tagged {@code eventId}: the response's events are its
	 * from now on, even if the caller has given up on it.
	 */
	synchronized void created(String responseId, String eventId) {
		Pending pending = this.byEventId.remove(eventId);
		this.byResponse.put(responseId, (pending != null) ? pending : new Pending(eventId));
	}

	/** Whether response {@code responseId} is a summary; its text delta is kept if so. */
	synchronized boolean delta(String responseId, String delta) {
		Pending pending = this.byResponse.get(responseId);
		if (pending != null) {
			pending.text.append(delta);
		}
		return pending != null;
	}

	/**
	 * {@code response.done} for response {@code responseId}: when it is a summary, completes it
	 * (with no text unless the response completed, or stopped at its token limit) and returns true.
	 * @param text the text of the response's output, or null to use the deltas
	 */
	boolean done(String responseId, String status, @Nullable String text, TokenUsage usage) {
		Pending pending;
		synchronized (this) {
			pending = this.byResponse.remove(responseId);
		}
		if (pending == null) {
			return false;
		}
		boolean written = status.equals("completed") || status.equals("incomplete");
		String summary = !written ? "" : (text != null) ? text : pending.text.toString();
		pending.result.tryEmitValue(new Summary(summary, usage));
		return true;
	}

	/** The upstream refused the request sent as {@code eventId}: when it was a summary's, fails it and returns true. */
	boolean refused(@Nullable String eventId, String code, String message) {
		Pending pending;
		synchronized (this) {
			pending = (eventId != null) ? this.byEventId.remove(eventId) : null;
		}
		if (pending == null) {
			return false;
		}
		pending.result.tryEmitError(new UpstreamException(code, message));
		return true;
	}

	/** The session is gone: summaries still awaited fail, and no new one is asked for. */
	void close(String message) {
		List<Pending> open;
		synchronized (this) {
			if (this.closed != null) {
				return;
			}
			this.closed = new UpstreamException("upstream_closed", message);
			open = new ArrayList<>(this.byEventId.values());
			open.addAll(this.byResponse.values());
			this.byEventId.clear();
			this.byResponse.clear();
		}
		for (Pending pending : open) {
			pending.result.tryEmitError(this.closed);
		}
	}

}

package io.duplex.session.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.Summary;
import io.duplex.session.provider.SummaryRequest;

/**
 * The summary a rollover carries, written by the agent's own model: a side request on the upstream
 * being left, waited for at most {@code duplex.sessions.rollover-summary-timeout}. Its answer comes
 * back as one of the engine's inputs. No answer in time, a failed request, or a provider that
 * writes no summaries (the sandbox), and the rollover condenses the conversation itself. What a
 * request cost is recorded for the segment it ran on, even when it answered too late to be used.
 */
final class RolloverSummary {

	private static final Logger log = LoggerFactory.getLogger(RolloverSummary.class);

	/** Below this many tokens a summary is not worth a request: the condensed lines do as well. */
	static final int MIN_TOKENS = 32;

	/** Room left in the model's context window for the instructions and the messages' framing. */
	private static final int PROMPT_TOKENS = 1_000;

	private final SessionEngine engine;

	private final Duration timeout;

	private int requests;

	/** The request waited for (0 for none), what gets its text, and the timer that gives up on it. */
	private int awaited;

	private @Nullable Consumer<@Nullable String> then;

	private @Nullable Disposable timer;

	/** A session whose summaries keep failing logs the first time only. */
	private boolean warned;

	RolloverSummary(SessionEngine engine) {
		this.engine = engine;
		this.timeout = engine.services().limits.rolloverSummaryTimeout();
	}

	/**
	 * Asks {@code session} for a summary of {@code earlier} in at most {@code maxTokens}; {@code then}
	 * gets its text, or null when there is none to use, on the engine's turn.
	 */
	void request(ProviderSession session, List<ContextItem> earlier, int maxTokens, Consumer<@Nullable String> then) {
		int request = ++this.requests;
		int segment = this.engine.segment();
		String requestId = "summary_" + segment + "_" + request;
		this.awaited = request;
		this.then = then;
		this.timer = Mono.delay(this.timeout, this.engine.services().scheduler)
			.subscribe((tick) -> this.engine.defer(() -> timedOut(request)));
		SummaryRequest asked = new SummaryRequest(readable(earlier, maxTokens), maxTokens);
		Mono.defer(() -> session.summarize(asked))
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.subscribe((answer) -> this.engine.defer(() -> answered(request, segment, requestId, answer)),
					(error) -> this.engine.defer(() -> failed(request, error)));
	}

	/** The session ends: a summary still awaited is no longer wanted. */
	void abandon() {
		this.awaited = 0;
		this.then = null;
		if (this.timer != null) {
			this.timer.dispose();
			this.timer = null;
		}
	}

	/**
	 * The newest of the items that the model can read along with the summary it writes: a long
	 * session's conversation outgrows the model's context window.
	 */
	private List<ContextItem> readable(List<ContextItem> earlier, int maxTokens) {
		long room = (long) this.engine.grant().model().contextWindow() - maxTokens - PROMPT_TOKENS;
		if (room <= 0) {
			return earlier;
		}
		List<ContextItem> newest = ContextCarry.newest(earlier, room);
		return newest.isEmpty() ? earlier.subList(earlier.size() - 1, earlier.size()) : newest;
	}

	private void answered(int request, int segment, String requestId, Optional<Summary> answer) {
		// paid for whether or not it came in time
		answer.ifPresent((summary) -> UsageRecorder.recordSide(this.engine, segment, requestId, summary.usage()));
		if (request != this.awaited) {
			return;
		}
		String text = answer.map(Summary::text).filter((summary) -> !summary.isBlank()).orElse(null);
		if (answer.isPresent() && text == null) {
			fellBack("the model wrote no summary", null);
		}
		finish(text);
	}

	private void failed(int request, Throwable error) {
		if (request == this.awaited) {
			fellBack("the summary request failed", error);
			finish(null);
		}
	}

	private void timedOut(int request) {
		if (request == this.awaited) {
			fellBack("no summary within " + this.timeout.toMillis() + " ms", null);
			finish(null);
		}
	}

	private void finish(@Nullable String text) {
		Consumer<@Nullable String> next = this.then;
		abandon();
		if (next != null) {
			next.accept(text);
		}
	}

	private void fellBack(String why, @Nullable Throwable error) {
		String reason = (error != null) ? why + ": " + error : why;
		if (!this.warned) {
			this.warned = true;
			log.warn("Session {}: {}; the rollover condenses the conversation itself (later fallbacks of this "
					+ "session are logged at debug)", this.engine.sessionId(), reason);
		}
		else {
			log.debug("Session {}: {}; the rollover condenses the conversation itself", this.engine.sessionId(), reason);
		}
	}

}

package io.duplex.session.engine;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.duplex.core.agent.AgentConfig;
import io.duplex.session.protocol.ProtocolError;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ModelProvider;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.text.TextTokens;
import reactor.core.publisher.Mono;

/**
 * Moves a live session onto a fresh upstream session before the model's own limit, while the
 * client's socket stays open: the agent's {@code rollover} policy says when (after
 * {@code after_seconds} on one upstream, at the first idle moment; at the latest 30 s before the
 * model's cap) and what is carried ({@code full} or {@code summary}, within
 * {@code max_carried_tokens}).
 * <p>
 * A switch opens the next upstream seeded with the carried context while a {@link SwitchBuffer}
 * keeps every call meant for the model, then replays them on the new upstream, closes the old one
 * and counts a new segment. With {@code summary}, the old upstream's model is first asked to
 * summarise the earlier conversation ({@link RolloverSummary}), the buffer already holding what the
 * client sends. The same switch resumes a session whose upstream failed.
 */
final class Rollover {

	private static final Logger log = LoggerFactory.getLogger(Rollover.class);

	/** Failed switches in a row after which the session ends rather than tries again. */
	private static final int MAX_FAILURES = 3;

	/** How long an upstream must run before earlier failures are forgiven. */
	private static final long STEADY_NANOS = 60_000_000_000L;

	/** How long a scheduled rollover that failed waits before it tries again. */
	private static final long RETRY_NANOS = 5_000_000_000L;

	private final SessionEngine engine;

	private final long afterNanos;

	private final long deadlineNanos;

	private final String carry;

	private final int maxCarriedTokens;

	private final RolloverSummary summary;

	private long segmentStartedNanos = System.nanoTime();

	private long notBeforeNanos;

	/** While a switch is under way: why, what stands in for the model, and the upstream left behind. */
	private @Nullable String switching;

	private @Nullable SwitchBuffer buffer;

	private @Nullable ProviderSession previous;

	private boolean previousFailed;

	/** Where the upstream left behind started its clock, and where the next one starts it. */
	private long previousClockMs;

	private long switchClockMs;

	/** What the model had when the switch began, and what the next upstream is given in its place. */
	private List<ContextItem> before = List.of();

	private List<ContextItem> carried = List.of();

	/** A rollover that must happen but waits for the response in flight to end (it was cancelled). */
	private @Nullable String due;

	private int failures;

	/** Upstreams opened: each gets the next number (the first, opened with the session, is 1). */
	private int generations = 1;

	Rollover(SessionEngine engine) {
		this.engine = engine;
		AgentConfig.Rollover policy = engine.grant().agent().config().rollover();
		int modelSeconds = engine.grant().model().maxSessionSeconds();
		// the policy was checked against the model's cap when the agent was written; the catalog may
		// have lowered the cap since, so the deadline is recomputed from today's
		long latest = (modelSeconds > 0)
				? Math.max(AgentConfig.Rollover.MIN_AFTER_SECONDS, AgentConfig.Rollover.latestSeconds(modelSeconds))
				: Long.MAX_VALUE / 2_000_000_000L;
		this.afterNanos = Math.min(policy.afterSeconds(), latest) * 1_000_000_000L;
		this.deadlineNanos = latest * 1_000_000_000L;
		this.carry = policy.carry();
		this.maxCarriedTokens = policy.maxCarriedTokens();
		this.summary = new RolloverSummary(engine);
	}

	/** Whether a switch is under way: calls for the model are being held. */
	boolean switching() {
		return this.switching != null;
	}

	/** Once a second: a due rollover starts now if the session is idle, or at the deadline regardless. */
	void tick(long now) {
		if (this.switching != null || now < this.notBeforeNanos) {
			return;
		}
		long age = now - this.segmentStartedNanos;
		if (age >= STEADY_NANOS) {
			// an upstream that has run a while is healthy again: earlier failures no longer count
			this.failures = 0;
		}
		if (age >= this.deadlineNanos) {
			force("model-cap");
		}
		else if (age >= this.afterNanos && idle()) {
			begin("scheduled");
		}
	}

	/** Something ended (a response, a turn): a rollover that was waiting may start now. */
	void settled() {
		if (this.switching != null) {
			return;
		}
		if (this.due != null) {
			if (this.engine.responses().idle()) {
				begin(this.due);
			}
			return;
		}
		long now = System.nanoTime();
		if (now >= this.notBeforeNanos && now - this.segmentStartedNanos >= this.afterNanos && idle()) {
			begin("scheduled");
		}
	}

	/**
	 * Nobody is speaking, no response is under way, no transcript is still to come, no tool call
	 * awaits its output: a moment to switch upstreams.
	 */
	private boolean idle() {
		return !this.engine.input().speaking() && this.engine.responses().idle()
				&& !this.engine.responses().awaitsTranscript() && !this.engine.conversation().awaitsToolOutput();
	}

	/**
	 * The upstream failed for good: the response in flight is failed and the session resumes on a
	 * new upstream with its context.
	 */
	void upstreamFailed() {
		this.failures++;
		if (this.failures > MAX_FAILURES) {
			this.engine.stop(new Ending("model_failed", ProtocolError.serverError("model_failed",
					"The model failed repeatedly; the session is closed.", null), Ending.INTERNAL_ERROR));
			return;
		}
		if (this.switching != null) {
			// the switch under way replaces it anyway; only it must not be used again
			this.previousFailed = true;
			return;
		}
		this.previousFailed = true;
		// held as switching while the response in flight is failed, so its end starts no other rollover
		this.switching = "upstream-failure";
		this.engine.responses().fail();
		this.switching = null;
		begin("upstream-failure");
	}

	/** At the deadline: cancel what is in flight (the client is told why first), then switch. */
	private void force(String reason) {
		if (this.engine.responses().idle()) {
			begin(reason);
			return;
		}
		if (this.due == null) {
			this.due = reason;
			this.engine.emit((events) -> events.sessionRollover("started", this.engine.segment() + 1, reason, null));
			this.engine.responses().cancelForRollover();
		}
	}

	private void begin(String reason) {
		boolean announced = reason.equals(this.due);
		this.due = null;
		this.switching = reason;
		int next = this.engine.segment() + 1;
		if (!announced) {
			this.engine.emit((events) -> events.sessionRollover("started", next, reason, null));
		}
		ProviderSession current = this.engine.provider();
		this.previous = current;
		this.previousClockMs = this.engine.input().restartUpstreamClock();
		this.switchClockMs = this.engine.input().audioMs();
		SwitchBuffer buffer = new SwitchBuffer(current.upstreamId());
		this.buffer = buffer;
		this.engine.swapProvider(buffer);
		List<ContextItem> context = this.engine.conversation().context();
		// a failed upstream has no model left to ask
		if ("summary".equals(this.carry) && !this.previousFailed) {
			ContextCarry.Split split = ContextCarry.split(context, this.maxCarriedTokens);
			long budget = split.summaryBudget(this.maxCarriedTokens) - TextTokens.count(ContextCarry.MODEL_HEADER);
			if (!split.earlier().isEmpty() && budget >= RolloverSummary.MIN_TOKENS) {
				this.summary.request(current, split.earlier(), (int) budget, (text) -> open(context,
						(text != null) ? ContextCarry.summarised(split, text, this.maxCarriedTokens, next)
								: ContextCarry.condensed(split, this.maxCarriedTokens, next),
						reason));
				return;
			}
		}
		open(context, ContextCarry.carry(context, this.carry, this.maxCarriedTokens, next), reason);
	}

	/**
	 * Opens the next upstream session, seeded with {@code carried}; its events count only once the
	 * engine has switched to it.
	 */
	private void open(List<ContextItem> before, List<ContextItem> carried, String reason) {
		this.before = before;
		this.carried = carried;
		int next = ++this.generations;
		ModelProvider provider = this.engine.services().providers.get(this.engine.grant().model().provider());
		Mono.defer(() -> provider.open(this.engine.settings(carried), this.engine.listener(next)))
			.subscribe((session) -> this.engine.submit(new Input.Switched(session, next, carried.size(), reason)),
					(error) -> this.engine.submit(new Input.SwitchFailed(error, reason)));
	}

	/** The session is ending during a switch: the upstream left behind is closed too. */
	void abandon() {
		this.summary.abandon();
		if (this.previous != null) {
			this.previous.close();
			this.previous = null;
		}
	}

	/** The next upstream is open and seeded: hand it what was held, close the old one, count the segment. */
	void switched(ProviderSession next, int carriedItems, String reason) {
		SwitchBuffer held = this.buffer;
		ProviderSession old = this.previous;
		this.buffer = null;
		this.previous = null;
		this.switching = null;
		this.previousFailed = false;
		if (old != null) {
			old.close();
		}
		this.engine.swapProvider(next);
		this.engine.conversation().carried(this.before, this.carried);
		this.before = List.of();
		this.carried = List.of();
		if (held != null) {
			held.replay(next, 0);
		}
		int started = this.engine.nextSegment(next.upstreamId(), reason);
		this.segmentStartedNanos = System.nanoTime();
		if (!"upstream-failure".equals(reason)) {
			this.failures = 0;
		}
		this.engine.emit((events) -> events.sessionRollover("completed", started, reason, carriedItems));
	}

	/**
	 * The next upstream could not be opened: a scheduled rollover goes back to the upstream it has
	 * and tries again later; without a working upstream, or after repeated failures, the session ends.
	 */
	void switchFailed(Throwable error, String reason) {
		this.failures++;
		log.warn("Session {} could not roll over ({}), attempt {}", this.engine.sessionId(), reason, this.failures,
				error);
		SwitchBuffer held = this.buffer;
		ProviderSession old = this.previous;
		this.buffer = null;
		this.previous = null;
		this.switching = null;
		this.before = List.of();
		this.carried = List.of();
		if (old == null || this.previousFailed || this.failures >= MAX_FAILURES) {
			this.engine.stop(new Ending("model_unavailable", ProtocolError.serverError("model_unavailable",
					"The model could not be reached to continue the session; try again shortly.", null),
					Ending.INTERNAL_ERROR));
			return;
		}
		this.engine.swapProvider(old);
		this.engine.input().resumeUpstreamClock(this.previousClockMs);
		if (held != null) {
			// commits held were timed on the new upstream's clock; the old one's runs on from before
			held.replay(old, this.switchClockMs - this.previousClockMs);
		}
		this.notBeforeNanos = System.nanoTime() + RETRY_NANOS;
		this.engine.emit((events) -> events.sessionRollover("failed", this.engine.segment() + 1, reason, null));
	}

}

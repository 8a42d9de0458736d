package io.duplex.session.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * A session's clock: where it started (a resumed session's own start, across the sockets it had),
 * the transcript times measured from there, and the limits kept on it, the maximum duration
 * (announced a while before, since it cannot be rolled over) and the idle timeout. Engine thread only.
 */
final class SessionClock {

	private final SessionEngine engine;

	private final SessionLimits limits;

	/** Where the session clock (transcript times, duration limit) starts: a resumed session's own start. */
	private long startedNanos = System.nanoTime();

	private long lastClientEventNanos = this.startedNanos;

	private boolean expiringSent;

	SessionClock(SessionEngine engine, SessionLimits limits) {
		this.engine = engine;
		this.limits = limits;
	}

	long startedNanos() {
		return this.startedNanos;
	}

	/** A resumed session: the clock runs on from the session's first start, across the sockets it had. */
	void resumedFrom(Instant startedAt) {
		this.startedNanos = System.nanoTime() - Math.max(0, Duration.between(startedAt, Instant.now()).toNanos());
	}

	/** The client sent an event: the session is not idle. */
	void clientEvent(long now) {
		this.lastClientEventNanos = now;
	}

	/** Milliseconds since the session started: the clock of transcripts. */
	long sessionMs() {
		return (System.nanoTime() - this.startedNanos) / 1_000_000;
	}

	/** When the session reaches its maximum duration, in epoch seconds, as the client is told. */
	long expiresAt() {
		return (System.currentTimeMillis() + this.limits.maxDuration().toMillis()) / 1000;
	}

	/**
	 * Once a second: ends a session over its maximum duration or idle too long, and warns one
	 * nearing its maximum duration.
	 * @return whether the session goes on
	 */
	boolean tick(long now) {
		if (now - this.startedNanos >= this.limits.maxDuration().toNanos()) {
			this.engine.stop(Ending.maxDuration(this.limits));
			return false;
		}
		if (now - this.lastClientEventNanos >= this.limits.idleTimeout().toNanos()) {
			this.engine.stop(Ending.idleTimeout(this.limits));
			return false;
		}
		warnIfExpiring(now);
		return true;
	}

	/** The maximum duration cannot be rolled over: say so a while before, so the agent can say goodbye. */
	private void warnIfExpiring(long now) {
		long left = this.limits.maxDuration().toNanos() - (now - this.startedNanos);
		if (!this.expiringSent && left <= this.limits.expiringWarning().toNanos()) {
			this.expiringSent = true;
			long leftSeconds = Math.max(0, left / 1_000_000_000L);
			this.engine.emit((events) -> events.sessionExpiring("max_duration",
					System.currentTimeMillis() / 1000 + leftSeconds, leftSeconds));
		}
	}

}

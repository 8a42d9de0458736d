package io.duplex.session.engine;

/**
 * A token bucket of client events: {@code rate} per second sustained, {@code burst} at once.
 * Used from the engine's thread only.
 */
final class EventRateLimiter {

	private final double ratePerNano;

	private final double burst;

	private double tokens;

	private long refilledAt;

	EventRateLimiter(int perSecond, int burst, long nowNanos) {
		this.ratePerNano = perSecond / 1e9;
		this.burst = burst;
		this.tokens = burst;
		this.refilledAt = nowNanos;
	}

	/** Takes one token; false when the client is over its rate. */
	boolean tryAcquire(long nowNanos) {
		this.tokens = Math.min(this.burst, this.tokens + (nowNanos - this.refilledAt) * this.ratePerNano);
		this.refilledAt = nowNanos;
		if (this.tokens < 1) {
			return false;
		}
		this.tokens -= 1;
		return true;
	}

}

package io.duplex.session.engine;

/**
 * A token bucket of client events (or of their bytes): {@code rate} per second sustained,
 * {@code burst} at once.
 * Used from the engine's thread only.
 */
final class EventRateLimiter {

	private final double ratePerNano;

	private final double burst;

	private double tokens;

	private long refilledAt;

	EventRateLimiter(long perSecond, long burst, long nowNanos) {
		this.ratePerNano = perSecond / 1e9;
		this.burst = burst;
		this.tokens = burst;
		this.refilledAt = nowNanos;
	}

	/** Takes one token; false when the client is over its rate. */
	boolean tryAcquire(long nowNanos) {
		return tryAcquire(nowNanos, 1);
	}

	/** Takes {@code amount} tokens (bytes, say); false when the client is over its rate. */
	boolean tryAcquire(long nowNanos, long amount) {
		this.tokens = Math.min(this.burst, this.tokens + (nowNanos - this.refilledAt) * this.ratePerNano);
		this.refilledAt = nowNanos;
		if (this.tokens < amount) {
			return false;
		}
		this.tokens -= amount;
		return true;
	}

}

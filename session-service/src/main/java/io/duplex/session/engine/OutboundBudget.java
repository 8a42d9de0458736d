package io.duplex.session.engine;

import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import io.duplex.session.protocol.ProtocolError;

/**
 * The bytes of server events queued for one client and not yet handed to its socket, so that a
 * client that stops reading is found out by what it costs, not by a count of events (one
 * {@code conversation.item.done} may be a megabyte, an audio delta a few kilobytes). A client may
 * stay above {@code outbound-buffer-size} for {@code outbound-grace} (a network hiccup); one that
 * stays longer, or reaches twice the limit, ends its session. Events are counted by the
 * characters of their JSON, which is their size in bytes for the ASCII the protocol mostly is.
 * Queued is counted on the engine's thread, sent on the socket's: the count is atomic.
 */
final class OutboundBudget {

	private final AtomicLong queued = new AtomicLong();

	private final long limit;

	private final long graceNanos;

	/** When the client went above the limit; 0 while it is below (engine thread only). */
	private long behindSinceNanos;

	OutboundBudget(long limit, long graceNanos) {
		this.limit = limit;
		this.graceNanos = graceNanos;
	}

	void queued(String event) {
		this.queued.addAndGet(event.length());
	}

	void sent(String event) {
		this.queued.addAndGet(-event.length());
	}

	long queued() {
		return this.queued.get();
	}

	/** The error that ends the session of a client too far behind for too long, or null while it may go on. */
	@Nullable ProtocolError check(long nowNanos) {
		long queued = this.queued.get();
		if (queued <= this.limit) {
			this.behindSinceNanos = 0;
			return null;
		}
		if (this.behindSinceNanos == 0) {
			this.behindSinceNanos = nowNanos;
		}
		long behindNanos = nowNanos - this.behindSinceNanos;
		if (queued <= 2 * this.limit && behindNanos < this.graceNanos) {
			return null;
		}
		return ProtocolError.invalidRequest(SessionBudgets.CLIENT_TOO_SLOW, "The client read too slowly: " + queued
				+ " bytes of events were waiting for it, over the limit of " + this.limit
				+ " (duplex.sessions.outbound-buffer-size) for " + behindNanos / 1_000_000
				+ " ms (duplex.sessions.outbound-grace); the session is closed.", null, null);
	}

}

package io.duplex.session.engine;

import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import io.duplex.session.protocol.ProtocolError;

/**
 * The bytes of server events queued for one client and not yet handed to its socket, so that a
 * client that stops reading is found out by what it costs, not by a count of events (one
 * {@code conversation.item.done} may be a megabyte, an audio delta a few kilobytes). A client may
 * stay above {@code outbound-buffer-size} for {@code outbound-grace} (a network hiccup); one that
 * stays longer, or reaches four times the limit, ends its session. An event counts (its UTF-8
 * bytes) from when it is queued until the socket has taken it, so what the WebSocket layer took
 * and holds counts too. Queued is counted on the engine's thread, written on the socket's: the
 * count is atomic.
 */
final class OutboundBudget {

	private final AtomicLong queued = new AtomicLong();

	private final long limit;

	private final long graceNanos;

	/** Whether the client is above the limit, and since when (engine thread only). */
	private boolean behind;

	private long behindSinceNanos;

	OutboundBudget(long limit, long graceNanos) {
		this.limit = limit;
		this.graceNanos = graceNanos;
	}

	void queued(String event) {
		this.queued.addAndGet(utf8Length(event));
	}

	void written(long bytes) {
		this.queued.addAndGet(-bytes);
	}

	/** The UTF-8 length of {@code text}, which is its length for ASCII, without encoding it. */
	static long utf8Length(String text) {
		long bytes = text.length();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c >= 0x80) {
				// a surrogate pair is one 4-byte code point, so each half adds 1 more
				bytes += (c < 0x800 || Character.isSurrogate(c)) ? 1 : 2;
			}
		}
		return bytes;
	}

	long queued() {
		return this.queued.get();
	}

	/** The error that ends the session of a client too far behind for too long, or null while it may go on. */
	@Nullable ProtocolError check(long nowNanos) {
		long queued = this.queued.get();
		if (queued <= this.limit) {
			this.behind = false;
			return null;
		}
		if (!this.behind) {
			this.behind = true;
			this.behindSinceNanos = nowNanos;
		}
		long behindNanos = nowNanos - this.behindSinceNanos;
		if (queued <= 4 * this.limit && behindNanos < this.graceNanos) {
			return null;
		}
		return ProtocolError.invalidRequest(SessionBudgets.CLIENT_TOO_SLOW, "The client read too slowly: " + queued
				+ " bytes of events were waiting for it, over the limit of " + this.limit
				+ " (duplex.sessions.outbound-buffer-size) for " + behindNanos / 1_000_000
				+ " ms (duplex.sessions.outbound-grace); the session is closed.", null, null);
	}

}

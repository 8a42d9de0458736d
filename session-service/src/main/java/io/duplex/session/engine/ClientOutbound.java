package io.duplex.session.engine;

import io.duplex.session.protocol.ProtocolError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * The server events queued for a session's client, in order, bounded in count and in bytes
 * ({@link OutboundBudget}) so that a client that stops reading cannot hold the node's memory: one
 * that falls too far behind is told why and its session ends. Sent on the engine's thread, taken
 * by the socket on its own.
 */
final class ClientOutbound {

	private final SessionEngine engine;

	private final Sinks.Many<String> events;

	private final OutboundBudget bytes;

	/** The client was too far behind: nothing more is sent to it. */
	private boolean shut;

	ClientOutbound(SessionEngine engine, SessionLimits limits) {
		this.engine = engine;
		this.bytes = new OutboundBudget(limits.outboundBufferSize().toBytes(), limits.outboundGrace().toNanos());
		this.events = Sinks.many().unicast().onBackpressureBuffer(Queues.<String>get(limits.outboundBuffer()).get());
	}

	/** Server events for the client, in order; completes once {@link #complete()} is called. */
	Flux<String> events() {
		return this.events.asFlux();
	}

	/** The socket has taken {@code bytes} of server events: they no longer count against the budget. */
	void written(long bytes) {
		this.bytes.written(bytes);
	}

	/** Sends a server event; a client that falls too far behind is disconnected. */
	void send(String event) {
		if (this.shut) {
			return;
		}
		Sinks.EmitResult result = this.events.tryEmitNext(event);
		if (result == Sinks.EmitResult.OK) {
			this.bytes.queued(event);
		}
		if (result == Sinks.EmitResult.FAIL_OVERFLOW && !this.engine.stopped()) {
			this.engine.stop(new Ending("client_too_slow", null, Ending.POLICY_VIOLATION));
		}
		else if (!this.engine.stopped()) {
			check(System.nanoTime());
		}
	}

	/** A client that stays too far behind in reading is closed, told why first (when it reads on). */
	void check(long now) {
		ProtocolError behind = this.bytes.check(now);
		if (behind != null && !this.engine.stopped()) {
			// the error is the last thing it reads: nothing is queued after it, not even what ending the session sends
			this.shut = true;
			this.events.tryEmitNext(this.engine.services().events.error(behind));
			this.engine.stop(new Ending("client_too_slow", null, Ending.POLICY_VIOLATION));
		}
	}

	/** The session is over: the client's events complete, after those queued. */
	void complete() {
		this.events.tryEmitComplete();
	}

}

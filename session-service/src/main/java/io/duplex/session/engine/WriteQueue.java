package io.duplex.session.engine;

import io.duplex.session.writes.DurableWrites;
import io.duplex.session.writes.SessionWrite;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

/**
 * A session's database writes, in order: one at a time, each stored (or spooled) before the next
 * starts. Each is retried while the database fails, then spooled on disk until it returns
 * ({@link DurableWrites}): never fatal.
 */
final class WriteQueue {

	private final DurableWrites store;

	private final Sinks.Many<SessionWrite> writes = Sinks.many().unicast().onBackpressureBuffer();

	private final Mono<Void> flushed;

	WriteQueue(DurableWrites store) {
		this.store = store;
		this.flushed = this.writes.asFlux().concatMap(store::write, 1).then().cache();
		// no context: the writes must not restore the thread locals of the request that opened the
		// socket around every database signal (see RealtimeSocketHandler)
		this.flushed.subscribe(null, null, null, Context.empty());
	}

	/** Queues {@code write} behind the earlier ones. */
	void add(SessionWrite write) {
		this.writes.tryEmitNext(write);
	}

	/**
	 * Takes no more writes, and writes {@code last} once those queued are written (or spooled):
	 * the end of a session is a write like the others, so a session never waits for the database
	 * longer than the retries take.
	 */
	Mono<Void> finish(SessionWrite last) {
		this.writes.tryEmitComplete();
		return this.flushed.onErrorComplete().then(this.store.write(last));
	}

}

package io.duplex.session.engine;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A session engine's inputs, handled one at a time. They may arrive on any thread; whichever
 * thread finds the session idle handles them (no thread per session, no locks), so what the
 * handler touches is touched by one thread at a time, in the order the inputs were queued.
 */
final class Inbox {

	private final Queue<Input> queue = new ConcurrentLinkedQueue<>();

	private final AtomicInteger pending = new AtomicInteger();

	private final Consumer<Input> handler;

	/** @param handler handles one input; it must not throw */
	Inbox(Consumer<Input> handler) {
		this.handler = handler;
	}

	/**
	 * Queues an input and, when no thread is handling this session's inputs, handles the queue
	 * right here: a client frame is handled on the socket's own I/O thread, a provider event on
	 * the thread that produced it. No hop to another thread means no wake-up and no queueing
	 * behind other sessions' work, which is what the added latency per audio frame is made of.
	 * Every handler is short CPU work that never blocks; database writes only start here.
	 */
	void submit(Input input) {
		if (this.pending.compareAndSet(0, 1)) {
			// nothing queued and nobody handling: this input needs no queue (the common case, a frame)
			this.handler.accept(input);
			drain(1);
			return;
		}
		this.queue.offer(input);
		if (this.pending.getAndIncrement() == 0) {
			drain(1);
		}
	}

	/**
	 * Handles what is queued until nothing is.
	 * @param missed inputs counted in {@code pending} that this thread took on and has handled or
	 * will find queued
	 */
	private void drain(int missed) {
		do {
			Input input;
			while ((input = this.queue.poll()) != null) {
				this.handler.accept(input);
			}
			missed = this.pending.addAndGet(-missed);
		}
		while (missed != 0);
	}

}

package io.duplex.session.cascade;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderListener;

/**
 * Delivers a session's events one at a time in the order offered, whichever thread offered them:
 * the chat stream, the speech streams and the engine's calls all run on different threads. Events
 * are offered under the session's lock (which fixes their order) and delivered after it is
 * released, so a listener that calls back into the session cannot deadlock it.
 */
final class Outbox {

	private static final Logger log = LoggerFactory.getLogger(Outbox.class);

	private final ProviderListener listener;

	private final Queue<ProviderEvent> queue = new ConcurrentLinkedQueue<>();

	/** Drain requests not yet served; the thread that takes it from 0 delivers for everyone. */
	private final AtomicInteger pending = new AtomicInteger();

	private volatile boolean closed;

	Outbox(ProviderListener listener) {
		this.listener = listener;
	}

	void offer(ProviderEvent event) {
		if (!this.closed) {
			this.queue.offer(event);
		}
	}

	/** Delivers what was offered, unless another thread is delivering: that thread then delivers it too. */
	void drain() {
		if (this.pending.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			ProviderEvent event;
			while (!this.closed && (event = this.queue.poll()) != null) {
				try {
					this.listener.onEvent(event);
				}
				catch (RuntimeException ex) {
					// one failing listener call must not stop every later event of the session
					log.warn("Provider listener failed on {}", event.getClass().getSimpleName(), ex);
				}
			}
			missed = this.pending.addAndGet(-missed);
		}
		while (missed != 0);
	}

	/** Drops undelivered events; none is delivered from now on. */
	void close() {
		this.closed = true;
		this.queue.clear();
	}

}

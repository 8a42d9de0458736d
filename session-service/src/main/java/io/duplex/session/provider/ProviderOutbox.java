package io.duplex.session.provider;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * Delivers a provider session's events to its listener one at a time and in the order offered,
 * whichever thread offered them (timers, HTTP streams, the engine's calls). Events are offered
 * while the session's lock is held (which fixes their order) and delivered after it is released,
 * so a listener that calls back into the session, or waits for a lock the engine holds while
 * calling the session, cannot deadlock it.
 */
public final class ProviderOutbox {

	private static final Logger log = LoggerFactory.getLogger(ProviderOutbox.class);

	private final ProviderListener listener;

	private final Queue<ProviderEvent> queue = new ConcurrentLinkedQueue<>();

	/** Drain requests not yet served; the thread that takes it from 0 delivers for everyone. */
	private final AtomicInteger pending = new AtomicInteger();

	private volatile boolean closed;

	public ProviderOutbox(ProviderListener listener) {
		this.listener = listener;
	}

	public void offer(ProviderEvent event) {
		if (!this.closed) {
			this.queue.offer(event);
		}
	}

	/** Delivers what was offered, unless another thread is delivering: that thread then delivers it too. */
	public void drain() {
		if (this.pending.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			ProviderEvent event;
			while (!this.closed && (event = this.queue.poll()) != null) {
				deliver(event);
			}
			missed = this.pending.addAndGet(-missed);
		}
		while (missed != 0);
	}

	/** Drops undelivered events; none is delivered from now on. */
	public void close() {
		this.closed = true;
		this.queue.clear();
	}

	private void deliver(ProviderEvent event) {
		try {
			this.listener.onEvent(event);
		}
		catch (RuntimeException ex) {
			// one failing listener call must not stop every later event of the session
			log.warn("Provider listener failed on {}", event.getClass().getSimpleName(), ex);
		}
	}

}

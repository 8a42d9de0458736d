package io.duplex.session.sweep;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.schedule.BackgroundJob;
import io.duplex.session.lifecycle.LiveSessions;
import io.duplex.session.lifecycle.Sessions;
import io.duplex.session.lifecycle.StopRepository;
import io.duplex.session.lifecycle.StopRequest;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Ends the sessions asked to stop from outside ({@link StoredTerminations}): every session node
 * looks, every {@code duplex.sessions.stops.poll-interval} (250 ms), for the sessions active on it
 * that were asked, with one probe of a partial index that only such sessions are in, and ends each
 * at once: its client gets an {@code error} event with the reason as its code, then a 1008 close,
 * and the session is recorded ended with that reason, its time metered up to then. A session
 * recorded as active here that no socket runs any more (its close was never recorded) is ended in
 * the record. Any node also ends detached sessions asked to stop (their socket dropped after the
 * ask, or their node was lost), which can no longer be resumed. Polling rather than a
 * notification channel: a lost connection or a restarted node loses nothing, as the ask waits in
 * the row until its session has ended.
 */
@Component
@ConditionalOnRole(DuplexRole.SESSION)
class StopPoller implements InitializingBean, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(StopPoller.class);

	/** Detached sessions ended per poll; more wait for the next one. */
	private static final int BATCH = 200;

	private final StopRepository stops;

	private final Sessions lifecycle;

	private final ObjectProvider<LiveSessions> live;

	private final StopProperties properties;

	private final MeterRegistry meters;

	private Disposable schedule = () -> {
	};

	StopPoller(StopRepository stops, Sessions lifecycle, ObjectProvider<LiveSessions> live,
			StopProperties properties, MeterRegistry meters) {
		this.stops = stops;
		this.lifecycle = lifecycle;
		this.live = live;
		this.properties = properties;
		this.meters = meters;
	}

	@Override
	public void afterPropertiesSet() {
		this.schedule = BackgroundJob.start("stop-poller", this.properties.pollInterval(), this.meters, this::poll);
	}

	@Override
	public void destroy() {
		this.schedule.dispose();
	}

	/**
	 * Ends what was asked to stop and this node can end.
	 * @return how many sessions this call ended or told to end
	 */
	Mono<Long> poll() {
		Flux<Boolean> active = Flux.fromStream(this.live::orderedStream)
			.concatMap((node) -> this.stops.stopsOn(node.nodeId()).concatMap((stop) -> end(node, stop)));
		Flux<Boolean> detached = this.stops.detachedStops(BATCH)
			.concatMap((stop) -> this.lifecycle.markEnded(stop.tenantId(), stop.sessionId(), stop.reason())
				.thenReturn(true));
		return active.concatWith(detached).count();
	}

	private Mono<Boolean> end(LiveSessions node, StopRequest stop) {
		// the engine records the end (with this reason) and meters it once its writes are flushed;
		// asked again on the next poll while it ends, it changes nothing
		if (node.terminate(stop.sessionId(), stop.reason(), stop.message())) {
			return Mono.just(true);
		}
		log.info("Session {} of tenant {} is recorded as active on node {} but runs nowhere there: ended as {}",
				stop.sessionId(), stop.tenantId(), node.nodeId(), stop.reason());
		return this.lifecycle.markEnded(stop.tenantId(), stop.sessionId(), stop.reason()).thenReturn(true);
	}

}

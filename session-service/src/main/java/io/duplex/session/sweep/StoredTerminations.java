package io.duplex.session.sweep;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.duplex.core.session.SessionTermination;
import io.duplex.core.session.SessionTerminations;
import io.duplex.session.lifecycle.StopRepository;
import reactor.core.publisher.Mono;

/**
 * The {@link SessionTerminations} port: stores the stop on each session in scope, in the caller's
 * transaction, and ends at once those no socket runs yet. The node that runs an active one finds
 * it with {@link StopPoller}, so it ends on whichever node runs it, and a node that is down or
 * restarting loses nothing: the request waits in the row. Present on every node, whatever its
 * roles, as the control plane calls it.
 */
@Component
class StoredTerminations implements SessionTerminations {

	private static final Logger log = LoggerFactory.getLogger(StoredTerminations.class);

	private final StopRepository stops;

	StoredTerminations(StopRepository stops) {
		this.stops = stops;
	}

	@Override
	public Mono<Long> terminate(SessionTermination termination) {
		return this.stops.requestStop(termination).doOnNext((count) -> {
			if (count > 0) {
				log.info("Asked {} sessions of tenant {} to stop: {}", count, termination.tenantId(),
						termination.reason().code());
			}
		});
	}

}

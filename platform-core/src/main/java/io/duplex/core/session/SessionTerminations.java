package io.duplex.core.session;

import reactor.core.publisher.Mono;

/**
 * Port: ends the sessions that something they run on no longer allows (a suspended tenant, a
 * revoked key, a deleted agent, a used-up hard-capped budget), on every node. Implemented by the
 * session module, present in every process whatever its roles. Called in the same transaction
 * as the change that causes it, so a change is never committed without its sessions being told
 * to end.
 */
public interface SessionTerminations {

	/**
	 * Asks every session in scope that has not ended to end: one waiting for its first socket is
	 * ended at once; a connected one is ended by the node that runs it within a bounded delay, its
	 * client told why with an {@code error} event whose code is {@link TerminationReason#code()},
	 * then a 1008 close; a detached one (waiting for its client to resume) is no longer resumable
	 * and is ended within the same delay. The first reason asked for a session wins.
	 * @return how many sessions were asked to end; errors when the request could not be stored
	 */
	Mono<Long> terminate(SessionTermination termination);

}

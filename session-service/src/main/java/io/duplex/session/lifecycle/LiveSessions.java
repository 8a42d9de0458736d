package io.duplex.session.lifecycle;

import reactor.core.publisher.Mono;

/**
 * Port: the sessions running on this node, implemented by the realtime gateway. Ending a session
 * through the API asks every implementation; the database records the end either way.
 */
public interface LiveSessions {

	/** The node these sessions run on: the {@code node_id} recorded on the sessions it runs. */
	String nodeId();

	/**
	 * Ends the session if it runs on this node.
	 * @return true if it did; false when the session does not run here
	 */
	Mono<Boolean> end(String sessionId, String reason);

	/**
	 * Whether the session runs on this node (its socket open, or its end being written). A session
	 * recorded as active on this node that runs nowhere here lost its end's write.
	 */
	default boolean runs(String sessionId) {
		return false;
	}

	/**
	 * Ends the session at once if it runs on this node, for a reason from outside (its tenant
	 * suspended, its key revoked, ...): the client gets an {@code error} event with {@code code} and
	 * {@code message}, then a 1008 close, and the session is recorded as ended with {@code code}.
	 * Does not wait for the end; asking again while the session ends changes nothing.
	 * @return whether the session runs here
	 */
	boolean terminate(String sessionId, String code, String message);

}

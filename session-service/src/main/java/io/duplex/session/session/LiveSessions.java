package io.duplex.session.session;

import reactor.core.publisher.Mono;

/**
 * Port: the sessions running on this node, implemented by the realtime gateway. Ending a session
 * through the API asks every implementation; the database records the end either way.
 */
public interface LiveSessions {

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
	 * Ends the session if it runs on this node, telling the client why: an {@code error} event with
	 * {@code reason} as its code and {@code message} (e.g. naming a used-up budget), then a normal
	 * close. An implementation that cannot say more ends it as {@link #end(String, String)} does.
	 * @return true if it did; false when the session does not run here
	 */
	default Mono<Boolean> end(String sessionId, String reason, String message) {
		return end(sessionId, reason);
	}

}

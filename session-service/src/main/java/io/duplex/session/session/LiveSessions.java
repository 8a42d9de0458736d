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

}

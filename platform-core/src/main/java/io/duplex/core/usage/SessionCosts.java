package io.duplex.core.usage;

import reactor.core.publisher.Mono;

/** Port: what a session's usage has cost so far, priced by billing. Implemented by billing. */
public interface SessionCosts {

	/**
	 * The cost of the tenant's session so far, itemised by metric.
	 * @return the cost; a total of 0 with no items, in the tenant's currency, when the tenant has
	 * recorded no usage for that session (another tenant's session included)
	 */
	Mono<SessionCost> costOf(String tenantId, String sessionId);

}

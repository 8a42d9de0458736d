package io.duplex.core.budget;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Port: live enforcement of hard-capped monthly budgets. Implemented by billing, which rates the
 * month's usage against each budget; consumed by sessions, which refuse new sessions and end
 * running ones of a capped tenant or agent.
 */
public interface BudgetGuard {

	/**
	 * Checks whether a new session of {@code agentId} may start.
	 * @return completes when no hard-capped budget of the tenant, or of the agent, is used up this
	 * month; errors with {@link BudgetExceededException} (402) when one is
	 */
	Mono<Void> admit(String tenantId, String agentId);

	/** The budgets used up this month that have a hard cap: their sessions must end. */
	Flux<CappedBudget> capped();

}

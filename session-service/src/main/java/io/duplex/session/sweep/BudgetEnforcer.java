package io.duplex.session.sweep;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.duplex.core.budget.BudgetGuard;
import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.schedule.BackgroundJob;
import io.duplex.core.session.SessionTermination;
import io.duplex.core.session.SessionTerminations;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Ends the sessions of a used-up hard-capped budget, on every node: every
 * {@code duplex.sessions.stops.budget-check-interval} (1 s) it reads which budgets billing found
 * used up and asks their sessions to stop, the same way a suspended tenant's are
 * ({@link SessionTerminations}). A live one then ends within a poll interval on whichever node
 * runs it: its client gets an {@code error} event with code {@code budget_exhausted} and a message
 * naming the budget, then a 1008 close; a created one is ended in the record at once. Either way
 * the session is recorded as ended with reason {@code budget_exhausted}, and its time and usage up
 * to then are kept and billed. A session already asked to stop is not asked again, so a budget
 * that stays used up costs one indexed statement per check.
 */
@Component
@ConditionalOnRole(DuplexRole.SESSION)
class BudgetEnforcer implements InitializingBean, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(BudgetEnforcer.class);

	private final ObjectProvider<BudgetGuard> budgets;

	private final SessionTerminations terminations;

	private final StopProperties properties;

	private final MeterRegistry meters;

	private Disposable schedule = () -> {
	};

	BudgetEnforcer(ObjectProvider<BudgetGuard> budgets, SessionTerminations terminations, StopProperties properties,
			MeterRegistry meters) {
		this.budgets = budgets;
		this.terminations = terminations;
		this.properties = properties;
		this.meters = meters;
	}

	@Override
	public void afterPropertiesSet() {
		this.schedule = BackgroundJob.start("budget-enforcer", this.properties.budgetCheckInterval(), this.meters,
				this::enforce);
	}

	@Override
	public void destroy() {
		this.schedule.dispose();
	}

	/**
	 * Asks the sessions of every used-up hard-capped budget to stop. Without billing in the
	 * deployment there are no budgets.
	 * @return how many sessions this call asked (none already asked)
	 */
	Mono<Long> enforce() {
		BudgetGuard guard = this.budgets.getIfAvailable();
		if (guard == null) {
			return Mono.just(0L);
		}
		return guard.capped()
			.concatMap((budget) -> this.terminations
				.terminate(SessionTermination.budgetExhausted(budget.tenantId(), budget.agentId(), budget.describe()))
				.doOnNext((count) -> {
					if (count > 0) {
						log.info("Budget {} of tenant {} is used up: {} sessions asked to end", budget.budgetId(),
								budget.tenantId(), count);
					}
				}))
			.reduce(0L, Long::sum);
	}

}

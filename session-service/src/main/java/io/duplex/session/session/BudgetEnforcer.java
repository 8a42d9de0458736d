package io.duplex.session.session;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.duplex.core.budget.BudgetGuard;
import io.duplex.core.budget.CappedBudget;
import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Ends the running sessions of a used-up hard-capped budget, on the node that runs them: the
 * client gets an {@code error} event naming the budget and a normal close, and the session is
 * recorded as ended with reason {@code budget_exceeded} (its time is metered like any end: the
 * usage already incurred is kept). A session created but not yet connected is ended in the record
 * only. Every session node checks every {@value #CHECK_SECONDS} seconds.
 */
@Component
@ConditionalOnRole(DuplexRole.SESSION)
class BudgetEnforcer implements InitializingBean, DisposableBean {

	static final int CHECK_SECONDS = 5;

	private static final Logger log = LoggerFactory.getLogger(BudgetEnforcer.class);

	private final ObjectProvider<BudgetGuard> budgets;

	private final ObjectProvider<LiveSessions> live;

	private final SessionRepository sessions;

	private final Sessions lifecycle;

	private Disposable schedule = () -> {
	};

	BudgetEnforcer(ObjectProvider<BudgetGuard> budgets, ObjectProvider<LiveSessions> live, SessionRepository sessions,
			Sessions lifecycle) {
		this.budgets = budgets;
		this.live = live;
		this.sessions = sessions;
		this.lifecycle = lifecycle;
	}

	@Override
	public void afterPropertiesSet() {
		Duration every = Duration.ofSeconds(CHECK_SECONDS);
		this.schedule = Flux.interval(every, every)
			.onBackpressureDrop()
			.concatMap((tick) -> enforce().doOnError((ex) -> log.warn("Enforcing budgets failed; will retry", ex))
				.onErrorComplete())
			.subscribe();
	}

	@Override
	public void destroy() {
		this.schedule.dispose();
	}

	/**
	 * Ends what the used-up budgets cover and this node can end.
	 * @return how many sessions this call ended
	 */
	Mono<Long> enforce() {
		BudgetGuard guard = this.budgets.getIfAvailable();
		if (guard == null) {
			return Mono.just(0L);
		}
		return guard.capped()
			.concatMap((budget) -> this.sessions.openIds(budget.tenantId(), budget.agentId())
				// at once: each live session runs on for its grace period after its warning
				.flatMap((sessionId) -> end(budget, sessionId)))
			.filter(Boolean::booleanValue)
			.count();
	}

	/**
	 * Ends one session: through the node that runs it if that is this one. Another node's session
	 * is left to that node's own check, so its client is told why; a session with no socket (not yet,
	 * or detached) is ended in the record only.
	 */
	private Mono<Boolean> end(CappedBudget budget, String sessionId) {
		return this.sessions.find(budget.tenantId(), sessionId).flatMap((session) -> {
			if (Session.CREATED.equals(session.status()) || Session.DETACHED.equals(session.status())) {
				// no socket to tell: the record is all there is to end
				return this.lifecycle.markEnded(budget.tenantId(), sessionId, Sessions.BUDGET_EXCEEDED)
					.thenReturn(true);
			}
			return Flux.fromStream(this.live::orderedStream)
				.concatMap((node) -> node.end(sessionId, Sessions.BUDGET_EXCEEDED, budget.describe())
					.onErrorResume((ex) -> {
						log.warn("Could not end live session {} for budget {}", sessionId, budget.budgetId(), ex);
						return Mono.just(false);
					}))
				.any(Boolean::booleanValue)
				.flatMap((ended) -> ended ? this.lifecycle
					.markEnded(budget.tenantId(), sessionId, Sessions.BUDGET_EXCEEDED)
					.doOnSuccess((done) -> log.info("Ended session {} of tenant {}: budget {} is used up", sessionId,
							budget.tenantId(), budget.budgetId()))
					.thenReturn(true) : Mono.just(false));
		});
	}

}

package io.duplex.billing.budget;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/** Evaluates every budget every {@code duplex.billing.budgets.check-every} on billing nodes. */
@Component
@ConditionalOnRole(DuplexRole.BILLING)
class BudgetEvaluator implements InitializingBean, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(BudgetEvaluator.class);

	private final BudgetService budgets;

	private final BudgetProperties properties;

	private Disposable schedule = () -> {
	};

	BudgetEvaluator(BudgetService budgets, BudgetProperties properties) {
		this.budgets = budgets;
		this.properties = properties;
	}

	@Override
	public void afterPropertiesSet() {
		// several billing nodes may evaluate at once: alerts are unique per threshold and month, and
		// marking a budget capped is the same write whoever makes it
		this.schedule = Flux.interval(this.properties.checkEvery(), this.properties.checkEvery())
			.onBackpressureDrop()
			.concatMap((tick) -> this.budgets.evaluateAll()
				.doOnError((ex) -> log.warn("Evaluating budgets failed; will retry", ex))
				.onErrorComplete())
			.subscribe();
	}

	@Override
	public void destroy() {
		this.schedule.dispose();
	}

}

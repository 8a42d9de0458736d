package io.duplex.billing.budget;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.schedule.BackgroundJob;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;

/** Evaluates every budget every {@code duplex.billing.budgets.check-every} on billing nodes. */
@Component
@ConditionalOnRole(DuplexRole.BILLING)
class BudgetEvaluator implements InitializingBean, DisposableBean {

	private final BudgetService budgets;

	private final BudgetProperties properties;

	private final MeterRegistry meters;

	private Disposable schedule = () -> {
	};

	BudgetEvaluator(BudgetService budgets, BudgetProperties properties, MeterRegistry meters) {
		this.budgets = budgets;
		this.properties = properties;
		this.meters = meters;
	}

	@Override
	public void afterPropertiesSet() {
		// several billing nodes may evaluate at once: alerts are unique per threshold and month, and
		// marking a budget capped is the same write whoever makes it
		this.schedule = BackgroundJob.start("budget-evaluator", this.properties.checkEvery(), this.meters,
				this.budgets::evaluateAll);
	}

	@Override
	public void destroy() {
		this.schedule.dispose();
	}

}

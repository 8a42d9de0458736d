package io.duplex.billing.budget;

import java.time.LocalDate;
import java.time.ZoneOffset;

import org.springframework.stereotype.Component;

import io.duplex.billing.pricing.Money;
import io.duplex.core.budget.BudgetExceededException;
import io.duplex.core.budget.BudgetGuard;
import io.duplex.core.budget.CappedBudget;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@link BudgetGuard} port: reads which hard-capped budgets the evaluation job found used up
 * this month. One indexed query per admission; the rating happens in the job, off that path.
 */
@Component
class BillingBudgetGuard implements BudgetGuard {

	private final BudgetRepository budgets;

	BillingBudgetGuard(BudgetRepository budgets) {
		this.budgets = budgets;
	}

	@Override
	public Mono<Void> admit(String tenantId, String agentId) {
		return this.budgets.cappedFor(tenantId, agentId, currentMonth())
			.flatMap((budget) -> Mono.<Void>error(new BudgetExceededException(capped(budget))));
	}

	@Override
	public Flux<CappedBudget> capped() {
		return this.budgets.capped(currentMonth()).map(BillingBudgetGuard::capped);
	}

	private static CappedBudget capped(Budget budget) {
		return new CappedBudget(budget.id(), budget.tenantId(), budget.agentId(),
				Money.round(budget.amount(), budget.currency()), budget.currency());
	}

	/** A cap found in an earlier month no longer applies: each month starts a new budget. */
	private static LocalDate currentMonth() {
		return LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
	}

}

package io.duplex.core.budget;

import java.util.Map;

import org.springframework.http.HttpStatus;

import io.duplex.core.web.ProblemException;

/** 402 {@code budget-exceeded}: a hard-capped monthly budget is used up, so no new session may start. */
public class BudgetExceededException extends ProblemException {

	public static final String SLUG = "budget-exceeded";

	public BudgetExceededException(CappedBudget budget) {
		super(HttpStatus.PAYMENT_REQUIRED, SLUG, "Budget exceeded", budget.describe(),
				Map.of("budget", budget.budgetId()));
	}

}

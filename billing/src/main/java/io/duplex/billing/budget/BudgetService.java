package io.duplex.billing.budget;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import io.duplex.billing.pricing.Money;
import io.duplex.billing.pricing.PriceBookService;
import io.duplex.billing.pricing.PriceBooks;
import io.duplex.billing.pricing.Rater;
import io.duplex.billing.report.UsageReader;
import io.duplex.core.audit.AuditEntry;
import io.duplex.core.audit.AuditTrail;
import io.duplex.core.id.Ids;
import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.security.Caller;
import io.duplex.core.security.Role;
import io.duplex.core.web.FieldError;
import io.duplex.core.web.ProblemException;
import io.duplex.core.web.Problems;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Budget rules: tenant admin and finance keys manage their tenant's budgets and read its alerts;
 * another tenant's budget does not exist (404). A budget's spend is the current UTC month's usage
 * (of its agent, if it has one) rated like every report and rounded once; each threshold crossed
 * is recorded as an alert once per month; a hard-capped budget used up is marked capped for the
 * month, which the {@code BudgetGuard} reads.
 */
@Service
class BudgetService {

	static final List<Integer> DEFAULT_THRESHOLDS = List.of(50, 80, 100);

	private static final Logger log = LoggerFactory.getLogger(BudgetService.class);

	private static final Pattern AGENT = Pattern.compile("^agt_[0-9A-Za-z]{1,64}$");

	private final BudgetRepository budgets;

	private final UsageReader usage;

	private final PriceBookService books;

	private final AuditTrail audit;

	private final Clock clock;

	BudgetService(BudgetRepository budgets, UsageReader usage, PriceBookService books, AuditTrail audit) {
		this.budgets = budgets;
		this.usage = usage;
		this.books = books;
		this.audit = audit;
		this.clock = Clock.systemUTC();
	}

	/** What a budget's month has spent so far, rounded once to the currency's minor unit. */
	record Spend(LocalDate month, BigDecimal spent) {
	}

	Mono<Budget> create(Caller caller, CreateBudgetRequest body) {
		String tenantId = manager(caller);
		Budget budget = validate(tenantId, body, Instant.now().truncatedTo(ChronoUnit.MICROS));
		return this.budgets.insert(budget).flatMap((inserted) -> {
			if (!inserted) {
				return Mono.error(new ProblemException(HttpStatus.CONFLICT, "budget-exists", "Budget exists",
						(budget.agentId() != null) ? "Agent " + budget.agentId() + " already has a budget."
								: "This tenant already has a budget; delete it to set another."));
			}
			return this.audit.record(new AuditEntry(tenantId, caller, "budget.created", "budget", budget.id(),
					Map.of("amount", budget.amount().toPlainString(), "currency", budget.currency(), "hard_cap",
							budget.hardCap())))
				.thenReturn(budget);
		});
	}

	Mono<Budget> require(Caller caller, String id) {
		String tenantId = manager(caller);
		return this.budgets.find(tenantId, id).switchIfEmpty(Mono.error(() -> Problems.notFound("budget " + id)));
	}

	Flux<Budget> list(Caller caller) {
		return this.budgets.list(manager(caller));
	}

	Mono<Void> delete(Caller caller, String id) {
		String tenantId = manager(caller);
		return this.budgets.delete(tenantId, id).flatMap((deleted) -> deleted
				? this.audit.record(new AuditEntry(tenantId, caller, "budget.deleted", "budget", id, Map.of()))
				: Mono.error(Problems.notFound("budget " + id)));
	}

	Mono<Page<BudgetAlert>> alerts(Caller caller, PageRequest page) {
		String tenantId = manager(caller);
		return this.budgets.alerts(tenantId, page).collectList().map((rows) -> Page.of(rows, page, BudgetAlert::id));
	}

	/** The budget's spend this month. */
	Mono<Spend> spend(Budget budget) {
		return this.books.inForce().flatMap((books) -> spend(budget, books, this.clock.instant()));
	}

	/**
	 * Evaluates every budget: records the thresholds crossed this month (once each) and marks the
	 * hard-capped ones used up. A budget that fails is logged and the others go on.
	 * @return how many alerts were recorded
	 */
	Mono<Long> evaluateAll() {
		return this.books.inForce()
			.flatMapMany((books) -> this.budgets.all()
				.concatMap((budget) -> evaluate(budget, books, this.clock.instant()).onErrorResume((ex) -> {
					log.warn("Evaluating budget {} of tenant {} failed", budget.id(), budget.tenantId(), ex);
					return Mono.just(0L);
				})))
			.reduce(0L, Long::sum);
	}

	private Mono<Long> evaluate(Budget budget, PriceBooks books, Instant now) {
		return spend(budget, books, now).flatMap((spend) -> {
			BigDecimal spent = spend.spent();
			List<Mono<Boolean>> alerts = new ArrayList<>();
			for (int threshold : budget.thresholds()) {
				BigDecimal limit = Money.percentOf(budget.amount(), threshold);
				if (spent.compareTo(limit) >= 0) {
					alerts.add(this.budgets.recordAlert(budget, spend.month(), threshold, spent));
				}
			}
			boolean capped = budget.hardCap() && spent.compareTo(budget.amount()) >= 0;
			boolean wasCapped = spend.month().equals(budget.cappedMonth());
			Mono<Void> mark = (capped != wasCapped) ? this.budgets.markCapped(budget, spend.month(), capped)
				.doOnSuccess((done) -> log.info("Budget {} of tenant {} is {} for {}", budget.id(), budget.tenantId(),
						capped ? "used up; its hard cap applies" : "no longer used up", spend.month()))
					: Mono.empty();
			return Flux.concat(alerts).filter(Boolean::booleanValue).count().flatMap((count) -> mark.thenReturn(count));
		});
	}

	private Mono<Spend> spend(Budget budget, PriceBooks books, Instant now) {
		LocalDate month = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1);
		Instant start = month.atStartOfDay(ZoneOffset.UTC).toInstant();
		Instant end = month.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
		// one line per currency, rated and rounded as every report's
		Rater.Summary summary = new Rater(books).summary((rated) -> List.of());
		return this.usage.tenantEvents(budget.tenantId(), start, end)
			.filter((event) -> budget.agentId() == null || budget.agentId().equals(event.agentId()))
			.doOnNext(summary::add)
			// usage priced in another currency is not part of this budget's spend
			.then(Mono.fromSupplier(() -> new Spend(month, summary.total(budget.currency()))));
	}

	/** Budgets are the tenant admin's and finance's, in their own tenant. */
	private static String manager(Caller caller) {
		String tenantId = caller.requireTenant();
		caller.requireRole(Role.TENANT_ADMIN, Role.FINANCE);
		return tenantId;
	}

	static Budget validate(String tenantId, @Nullable CreateBudgetRequest body, Instant now) {
		if (body == null) {
			throw Problems.validation("amount", "is required");
		}
		List<FieldError> errors = new ArrayList<>();
		String currency = body.currency();
		if (currency == null || !currency.matches("^[A-Z]{3}$") || !Money.isCurrency(currency)) {
			errors.add(new FieldError("currency", "must be an ISO 4217 code such as USD"));
		}
		BigDecimal amount = body.amount();
		if (amount == null || amount.signum() <= 0 || amount.stripTrailingZeros().scale() > 4
				|| amount.precision() - amount.scale() > 16) {
			errors.add(new FieldError("amount", "must be a positive amount with at most 4 decimals"));
		}
		else if (currency != null && Money.isCurrency(currency)
				&& amount.stripTrailingZeros().scale() > Money.minorUnitScale(currency)) {
			errors.add(new FieldError("amount", "has more decimals than " + currency + " has"));
		}
		if (body.agent() != null && !AGENT.matcher(body.agent()).matches()) {
			errors.add(new FieldError("agent", "must be an agent id (agt_...)"));
		}
		List<Integer> thresholds = (body.thresholds() != null) ? body.thresholds() : DEFAULT_THRESHOLDS;
		if (thresholds.isEmpty() || thresholds.size() > 10
				|| thresholds.stream().anyMatch((t) -> t == null || t < 1 || t > 1000)
				|| new TreeSet<>(thresholds).size() != thresholds.size()) {
			errors.add(new FieldError("thresholds", "must be 1 to 10 distinct percentages between 1 and 1000"));
		}
		if (!errors.isEmpty()) {
			throw Problems.validation(errors);
		}
		return new Budget(Ids.newId("bdg"), tenantId, body.agent(), amount, currency,
				List.copyOf(new TreeSet<>(thresholds)), Boolean.TRUE.equals(body.hardCap()), null, now);
	}

}

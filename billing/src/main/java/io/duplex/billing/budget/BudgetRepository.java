package io.duplex.billing.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.duplex.core.id.Ids;
import io.duplex.core.page.PageRequest;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Hand SQL over {@code billing.budget} and {@code billing.budget_alert}; every statement names the tenant. */
@Repository
class BudgetRepository {

	private static final String SELECT = "SELECT id, tenant_id, agent_id, amount, currency, thresholds, hard_cap, "
			+ "capped_month, created_at FROM billing.budget";

	private static final String SELECT_ALERT = "SELECT id, tenant_id, budget_id, agent_id, month, threshold, amount, "
			+ "spent, currency, hard_cap, created_at FROM billing.budget_alert";

	private final DatabaseClient db;

	BudgetRepository(DatabaseClient db) {
		this.db = db;
	}

	/** Stores a new budget; false when the tenant (or the agent) already has one. */
	Mono<Boolean> insert(Budget budget) {
		DatabaseClient.GenericExecuteSpec insert = this.db.sql("""
				INSERT INTO billing.budget (id, tenant_id, agent_id, amount, currency, thresholds, hard_cap, created_at)
				VALUES (:id, :tenantId, :agentId, :amount, :currency, :thresholds, :hardCap, :createdAt)""")
			.bind("id", budget.id())
			.bind("tenantId", budget.tenantId())
			.bind("amount", budget.amount())
			.bind("currency", budget.currency())
			.bind("thresholds", budget.thresholds().toArray(Integer[]::new))
			.bind("hardCap", budget.hardCap())
			.bind("createdAt", budget.createdAt());
		insert = (budget.agentId() != null) ? insert.bind("agentId", budget.agentId())
				: insert.bindNull("agentId", String.class);
		return insert.then()
			.thenReturn(true)
			.onErrorResume(DataIntegrityViolationException.class, (ex) -> Mono.just(false));
	}

	Mono<Budget> find(String tenantId, String id) {
		return this.db.sql(SELECT + " WHERE tenant_id = :tenantId AND id = :id")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.map(BudgetRepository::budget)
			.one();
	}

	Flux<Budget> list(String tenantId) {
		return this.db.sql(SELECT + " WHERE tenant_id = :tenantId ORDER BY id")
			.bind("tenantId", tenantId)
			.map(BudgetRepository::budget)
			.all();
	}

	/** Every budget of every tenant, for the evaluation job. */
	Flux<Budget> all() {
		return this.db.sql(SELECT + " ORDER BY tenant_id, id").map(BudgetRepository::budget).all();
	}

	Mono<Boolean> delete(String tenantId, String id) {
		return this.db.sql("DELETE FROM billing.budget WHERE tenant_id = :tenantId AND id = :id")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	/** Records the budget as used up (or not) with its hard cap in {@code month}. */
	Mono<Void> markCapped(Budget budget, LocalDate month, boolean capped) {
		DatabaseClient.GenericExecuteSpec update = this.db
			.sql("UPDATE billing.budget SET capped_month = :month WHERE tenant_id = :tenantId AND id = :id")
			.bind("tenantId", budget.tenantId())
			.bind("id", budget.id());
		update = capped ? update.bind("month", month) : update.bindNull("month", LocalDate.class);
		return update.then();
	}

	/** The hard-capped budgets used up in {@code month}. */
	Flux<Budget> capped(LocalDate month) {
		return this.db.sql(SELECT + " WHERE hard_cap AND capped_month = :month ORDER BY tenant_id, id")
			.bind("month", month)
			.map(BudgetRepository::budget)
			.all();
	}

	/** The tenant's used-up hard-capped budget that covers {@code agentId} in {@code month}, if any. */
	Mono<Budget> cappedFor(String tenantId, String agentId, LocalDate month) {
		return this.db.sql(SELECT + " WHERE tenant_id = :tenantId AND (agent_id IS NULL OR agent_id = :agentId) "
				+ "AND hard_cap AND capped_month = :month ORDER BY agent_id NULLS FIRST LIMIT 1")
			.bind("tenantId", tenantId)
			.bind("agentId", agentId)
			.bind("month", month)
			.map(BudgetRepository::budget)
			.one();
	}

	/** Records that the threshold was crossed in the month; false when it already was (an alert fires once). */
	Mono<Boolean> recordAlert(Budget budget, LocalDate month, int threshold, BigDecimal spent) {
		DatabaseClient.GenericExecuteSpec insert = this.db.sql("""
				INSERT INTO billing.budget_alert (id, tenant_id, budget_id, agent_id, month, threshold, amount, spent,
				    currency, hard_cap)
				VALUES (:id, :tenantId, :budgetId, :agentId, :month, :threshold, :amount, :spent, :currency, :hardCap)
				ON CONFLICT (budget_id, month, threshold) DO NOTHING""")
			.bind("id", Ids.newId("alrt"))
			.bind("tenantId", budget.tenantId())
			.bind("budgetId", budget.id())
			.bind("month", month)
			.bind("threshold", threshold)
			.bind("amount", budget.amount())
			.bind("spent", spent)
			.bind("currency", budget.currency())
			.bind("hardCap", budget.hardCap());
		insert = (budget.agentId() != null) ? insert.bind("agentId", budget.agentId())
				: insert.bindNull("agentId", String.class);
		return insert.fetch().rowsUpdated().map((rows) -> rows == 1);
	}

	/** The tenant's alerts, newest first, as a cursor page. */
	Flux<BudgetAlert> alerts(String tenantId, PageRequest page) {
		return this.db.sql(SELECT_ALERT + " WHERE tenant_id = :tenantId AND id < :after ORDER BY id DESC LIMIT :limit")
			.bind("tenantId", tenantId)
			.bind("after", page.cursorOrMax())
			.bind("limit", page.fetchSize())
			.map((row) -> new BudgetAlert(row.get("id", String.class), row.get("tenant_id", String.class),
					row.get("budget_id", String.class), row.get("agent_id", String.class),
					row.get("month", LocalDate.class), row.get("threshold", Integer.class),
					row.get("amount", BigDecimal.class), row.get("spent", BigDecimal.class),
					row.get("currency", String.class).trim(), row.get("hard_cap", Boolean.class),
					row.get("created_at", Instant.class)))
			.all();
	}

	private static Budget budget(Readable row) {
		Integer[] thresholds = row.get("thresholds", Integer[].class);
		return new Budget(row.get("id", String.class), row.get("tenant_id", String.class),
				row.get("agent_id", String.class), row.get("amount", BigDecimal.class),
				row.get("currency", String.class).trim(), (thresholds != null) ? Arrays.asList(thresholds) : List.of(),
				row.get("hard_cap", Boolean.class), row.get("capped_month", LocalDate.class),
				row.get("created_at", Instant.class));
	}

}

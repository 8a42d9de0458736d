package io.duplex.billing.budget;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.Caller;
import reactor.core.publisher.Mono;

/** {@code /v1/budgets} and {@code /v1/alerts}: a tenant's monthly budgets and the alerts they recorded. */
@RestController
@ConditionalOnRole(DuplexRole.BILLING)
class BudgetController {

	private final BudgetService budgets;

	BudgetController(BudgetService budgets) {
		this.budgets = budgets;
	}

	@PostMapping("/v1/budgets")
	@ResponseStatus(HttpStatus.CREATED) // documents the 201 that ResponseEntity.created answers
	Mono<ResponseEntity<BudgetResponse>> create(@AuthenticationPrincipal Caller caller,
			@RequestBody(required = false) @Nullable CreateBudgetRequest body, UriComponentsBuilder uri) {
		return this.budgets.create(caller, body)
			.flatMap((budget) -> this.budgets.spend(budget)
				.map((spend) -> ResponseEntity.created(uri.path("/v1/budgets/{id}").build(budget.id()))
					.body(BudgetResponse.from(budget, spend))));
	}

	@GetMapping("/v1/budgets")
	Mono<ListResponse> list(@AuthenticationPrincipal Caller caller) {
		return this.budgets.list(caller)
			.concatMap((budget) -> this.budgets.spend(budget).map((spend) -> BudgetResponse.from(budget, spend)))
			.collectList()
			.map((data) -> new ListResponse("list", data));
	}

	@GetMapping("/v1/budgets/{id}")
	Mono<BudgetResponse> get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return this.budgets.require(caller, id)
			.flatMap((budget) -> this.budgets.spend(budget).map((spend) -> BudgetResponse.from(budget, spend)));
	}

	@DeleteMapping("/v1/budgets/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT) // documents the 204 that ResponseEntity.noContent answers
	Mono<ResponseEntity<Void>> delete(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return this.budgets.delete(caller, id).thenReturn(ResponseEntity.noContent().build());
	}

	@GetMapping("/v1/alerts")
	Mono<Page<BudgetResponse.AlertResponse>> alerts(@AuthenticationPrincipal Caller caller,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String after) {
		return this.budgets.alerts(caller, PageRequest.of(limit, after))
			.map((page) -> page.map(BudgetResponse.AlertResponse::from));
	}

	/** A tenant's budgets: few, so not paged. */
	record ListResponse(String object, List<BudgetResponse> data) {
	}

}

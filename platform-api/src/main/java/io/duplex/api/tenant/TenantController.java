package io.duplex.api.tenant;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.AnyRole;
import io.duplex.core.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/** {@code /v1/tenants}: platform admins manage tenants; a tenant key may read its own tenant. */
@RestController
@RequestMapping("/v1/tenants")
@ConditionalOnRole(DuplexRole.API)
@Tag(name = "Tenants")
class TenantController {

	private final TenantService tenants;

	TenantController(TenantService tenants) {
		this.tenants = tenants;
	}

	@PostMapping
	@Operation(summary = "Create a tenant (platform admin)")
	@ResponseStatus(HttpStatus.CREATED) // documents the 201 that ResponseEntity.created answers
	Mono<ResponseEntity<TenantResponse>> create(@AuthenticationPrincipal Caller caller,
			@Validated @RequestBody CreateTenantRequest body, UriComponentsBuilder uri) {
		return this.tenants.create(caller, body)
			.map((tenant) -> ResponseEntity.created(uri.path("/v1/tenants/{id}").build(tenant.id()))
				.body(TenantResponse.from(tenant)));
	}

	@GetMapping
	@Operation(summary = "List tenants, newest first (platform admin)")
	Mono<Page<TenantResponse>> list(@AuthenticationPrincipal Caller caller,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String after) {
		return this.tenants.list(caller, PageRequest.of(limit, after)).map((page) -> page.map(TenantResponse::from));
	}

	@GetMapping("/{tenantId}")
	@AnyRole // every key of the tenant reads it; another tenant's is a 404
	@Operation(summary = "Get a tenant")
	Mono<TenantResponse> get(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId) {
		return this.tenants.require(caller, tenantId).map(TenantResponse::from);
	}

	@PostMapping("/{tenantId}/suspend")
	@Operation(summary = "Suspend a tenant: its keys stop working at once and its live sessions end "
			+ "within 2 s (platform admin)")
	Mono<TenantResponse> suspend(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId) {
		return this.tenants.setStatus(caller, tenantId, Tenant.SUSPENDED).map(TenantResponse::from);
	}

	@PostMapping("/{tenantId}/reactivate")
	@Operation(summary = "Reactivate a suspended tenant (platform admin)")
	Mono<TenantResponse> reactivate(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId) {
		return this.tenants.setStatus(caller, tenantId, Tenant.ACTIVE).map(TenantResponse::from);
	}

}

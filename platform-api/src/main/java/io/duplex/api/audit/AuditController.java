package io.duplex.api.audit;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.Caller;
import io.duplex.core.security.Role;
import io.duplex.core.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/audit}: tenant admins read their tenant's log; platform admins read everything,
 * or one tenant's with {@code tenant}.
 */
@RestController
@RequestMapping("/v1/audit")
@ConditionalOnRole(DuplexRole.API)
@Tag(name = "Audit log")
class AuditController {

	private final AuditLog log;

	AuditController(AuditLog log) {
		this.log = log;
	}

	@GetMapping
	@Operation(summary = "List audit events, newest first")
	Mono<Page<AuditEvent>> list(@AuthenticationPrincipal Caller caller,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String after,
			@RequestParam(name = "resource_id", required = false) @Nullable String resourceId,
			@RequestParam(required = false) @Nullable String action,
			@RequestParam(required = false) @Nullable String tenant) {
		caller.requireRole(Role.TENANT_ADMIN);
		if (tenant != null && !caller.isPlatformAdmin()) {
			throw Problems.validation("tenant", "only platform admins may name a tenant");
		}
		String scope = caller.isPlatformAdmin() ? tenant : caller.tenantId();
		PageRequest page = PageRequest.of(limit, after);
		return this.log.list(scope, resourceId, action, page).collectList().map((rows) -> Page.of(rows, page, AuditEvent::id));
	}

}

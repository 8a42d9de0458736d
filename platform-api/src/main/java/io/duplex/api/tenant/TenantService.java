package io.duplex.api.tenant;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.duplex.core.audit.AuditEntry;
import io.duplex.core.audit.AuditTrail;
import io.duplex.core.id.Ids;
import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.security.Caller;
import io.duplex.core.session.SessionTermination;
import io.duplex.core.session.SessionTerminations;
import io.duplex.core.web.Problems;
import reactor.core.publisher.Mono;

/**
 * Tenant rules: only platform admins create, list, suspend and reactivate; a tenant sees itself.
 * Suspending ends the tenant's sessions, live ones on every node, in the same transaction.
 */
@Service
class TenantService {

	static final int DEFAULT_MAX_CONCURRENT_SESSIONS = 100;

	private final TenantRepository tenants;

	private final AuditTrail audit;

	private final TransactionalOperator tx;

	private final ObjectProvider<SessionTerminations> terminations;

	TenantService(TenantRepository tenants, AuditTrail audit, TransactionalOperator tx,
			ObjectProvider<SessionTerminations> terminations) {
		this.tenants = tenants;
		this.audit = audit;
		this.tx = tx;
		this.terminations = terminations;
	}

	Mono<Tenant> create(Caller caller, CreateTenantRequest request) {
		caller.requirePlatformAdmin();
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		int max = (request.maxConcurrentSessions() != null) ? request.maxConcurrentSessions()
				: DEFAULT_MAX_CONCURRENT_SESSIONS;
		Tenant tenant = new Tenant(Ids.newId("ten"), request.name().strip(), Tenant.ACTIVE, max, now, now);
		return this.tenants.insert(tenant)
			.flatMap((created) -> this.audit
				.record(new AuditEntry(created.id(), caller, "tenant.created", "tenant", created.id(),
						Map.of("name", created.name())))
				.thenReturn(created))
			.as(this.tx::transactional);
	}

	/** The tenant; 404 when it does not exist or the caller belongs to another tenant. */
	Mono<Tenant> require(Caller caller, String id) {
		caller.requireAccessTo(id, "tenant " + id);
		return this.tenants.find(id).switchIfEmpty(Mono.error(() -> Problems.notFound("tenant " + id)));
	}

	Mono<Page<Tenant>> list(Caller caller, PageRequest page) {
		caller.requirePlatformAdmin();
		return this.tenants.list(page).collectList().map((rows) -> Page.of(rows, page, Tenant::id));
	}

	Mono<Tenant> setStatus(Caller caller, String id, String status) {
		caller.requireAccessTo(id, "tenant " + id);
		caller.requirePlatformAdmin();
		String action = Tenant.SUSPENDED.equals(status) ? "tenant.suspended" : "tenant.reactivated";
		return this.tenants.updateStatus(id, status)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("tenant " + id)))
			.flatMap((tenant) -> this.audit.record(new AuditEntry(id, caller, action, "tenant", id, Map.of()))
				.then(Tenant.SUSPENDED.equals(status) ? terminate(SessionTermination.tenantSuspended(id)) : Mono.empty())
				.thenReturn(tenant))
			.as(this.tx::transactional);
	}

	/**
	 * Ends the sessions in scope. The port is absent only where the session module is not in the
	 * process (the control plane's own tests): there are no sessions to end there.
	 */
	private Mono<Void> terminate(SessionTermination termination) {
		SessionTerminations sessions = this.terminations.getIfAvailable();
		return (sessions != null) ? sessions.terminate(termination).then() : Mono.empty();
	}

}

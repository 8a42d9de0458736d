package io.duplex.api.apikey;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.duplex.core.audit.AuditEntry;
import io.duplex.core.audit.AuditTrail;
import io.duplex.core.id.Ids;
import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.security.Caller;
import io.duplex.core.security.Role;
import io.duplex.core.session.SessionTermination;
import io.duplex.core.session.SessionTerminations;
import io.duplex.core.web.ProblemException;
import io.duplex.core.web.Problems;
import reactor.core.publisher.Mono;

/**
 * API key rules: a platform admin manages any tenant's keys, a tenant admin its own tenant's.
 * Revoking a key ends the sessions it created or opened, or minted the client secret of (live ones
 * on every node), in the same transaction.
 */
@Service
class ApiKeyService {

	private final ApiKeyRepository keys;

	private final TenantLookup tenants;

	private final AuditTrail audit;

	private final TransactionalOperator tx;

	private final ObjectProvider<SessionTerminations> terminations;

	ApiKeyService(ApiKeyRepository keys, TenantLookup tenants, AuditTrail audit, TransactionalOperator tx,
			ObjectProvider<SessionTerminations> terminations) {
		this.keys = keys;
		this.tenants = tenants;
		this.audit = audit;
		this.tx = tx;
		this.terminations = terminations;
	}

	/** A key and, this once, its secret. */
	record Created(ApiKey key, String secret) {
	}

	Mono<Created> create(Caller caller, String tenantId, CreateApiKeyRequest request) {
		return authorize(caller, tenantId).then(Mono.defer(() -> {
			String secret = ApiKeySecrets.newSecret();
			ApiKey key = newKey(tenantId, request.name().strip(), Role.fromWireName(request.role()).orElseThrow(), secret);
			return this.keys.insert(key)
				.flatMap((stored) -> this.audit
					.record(new AuditEntry(tenantId, caller, "api_key.created", "api_key", stored.id(),
							Map.of("name", stored.name(), "role", stored.role().wireName(), "prefix", stored.prefix())))
					.thenReturn(new Created(stored, secret)))
				.as(this.tx::transactional);
		}));
	}

	Mono<Page<ApiKey>> list(Caller caller, String tenantId, PageRequest page) {
		return authorize(caller, tenantId)
			.then(this.keys.list(tenantId, page).collectList().map((rows) -> Page.of(rows, page, ApiKey::id)));
	}

	Mono<ApiKey> revoke(Caller caller, String tenantId, String keyId) {
		return authorize(caller, tenantId).then(this.keys.revoke(tenantId, keyId)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("API key " + keyId)))
			.flatMap((key) -> this.audit
				.record(new AuditEntry(tenantId, caller, "api_key.revoked", "api_key", key.id(),
						Map.of("name", key.name(), "prefix", key.prefix())))
				.then(terminate(SessionTermination.credentialRevoked(tenantId, key.id())))
				.thenReturn(key))
			.as(this.tx::transactional));
	}

	/** A new platform admin key (no tenant) and, this once, its secret; platform admins only. */
	Mono<Created> createPlatformAdmin(Caller caller, CreatePlatformAdminKeyRequest request) {
		caller.requirePlatformAdmin();
		return Mono.defer(() -> {
			String secret = ApiKeySecrets.newSecret();
			ApiKey key = newKey(null, request.name().strip(), Role.PLATFORM_ADMIN, secret);
			return this.keys.insert(key)
				.flatMap((stored) -> this.audit
					.record(new AuditEntry(null, caller, "api_key.created", "api_key", stored.id(),
							Map.of("name", stored.name(), "role", stored.role().wireName(), "prefix", stored.prefix())))
					.thenReturn(new Created(stored, secret)))
				.as(this.tx::transactional);
		});
	}

	Mono<Page<ApiKey>> listPlatformAdmins(Caller caller, PageRequest page) {
		caller.requirePlatformAdmin();
		return this.keys.listPlatformAdmins(page).collectList().map((rows) -> Page.of(rows, page, ApiKey::id));
	}

	/**
	 * Revokes a platform admin key, the caller's own included, unless it is the last active one:
	 * that answers 409, so the platform always keeps a way in. Revoking a revoked key again is a
	 * no-op that answers the key.
	 */
	Mono<ApiKey> revokePlatformAdmin(Caller caller, String keyId) {
		caller.requirePlatformAdmin();
		return this.keys.lockPlatformAdmins()
			.then(this.keys.findPlatformAdmin(keyId))
			.switchIfEmpty(Mono.error(() -> Problems.notFound("platform admin key " + keyId)))
			.flatMap((key) -> key.revoked() ? Mono.just(key) : this.keys.countOtherActivePlatformAdmins(keyId)
				.flatMap((others) -> (others == 0) ? Mono.error(lastPlatformAdminKey(keyId))
						: this.keys.revokePlatformAdmin(keyId))
				.flatMap((revoked) -> this.audit
					.record(new AuditEntry(null, caller, "api_key.revoked", "api_key", revoked.id(),
							Map.of("name", revoked.name(), "prefix", revoked.prefix())))
					.thenReturn(revoked)))
			.as(this.tx::transactional);
	}

	private static ProblemException lastPlatformAdminKey(String keyId) {
		return Problems.conflict("last-platform-admin-key", "Last platform admin key", "Key " + keyId
				+ " is the last active platform admin key; create another one first, so the platform keeps a way in.");
	}

	/**
	 * Ends the sessions in scope. The port is absent only where the session module is not in the
	 * process (the control plane's own tests): there are no sessions to end there.
	 */
	private Mono<Void> terminate(SessionTermination termination) {
		SessionTerminations sessions = this.terminations.getIfAvailable();
		return (sessions != null) ? sessions.terminate(termination).then() : Mono.empty();
	}

	/** Foreign or unknown tenant: 404; own tenant without the tenant admin role: 403. */
	private Mono<Void> authorize(Caller caller, String tenantId) {
		caller.requireAccessTo(tenantId, "tenant " + tenantId);
		caller.requireRole(Role.TENANT_ADMIN);
		return this.tenants.exists(tenantId)
			.filter(Boolean::booleanValue)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("tenant " + tenantId)))
			.then();
	}

	static ApiKey newKey(@Nullable String tenantId, String name, Role role, String secret) {
		return new ApiKey(Ids.newId("key"), tenantId, name, role, ApiKeySecrets.prefixOf(secret),
				ApiKeySecrets.hash(secret), Instant.now().truncatedTo(ChronoUnit.MICROS), null);
	}

}

package io.duplex.api.credentials;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.duplex.api.secret.ProviderApiKeys;
import io.duplex.api.secret.SecretBox;
import io.duplex.core.audit.AuditEntry;
import io.duplex.core.audit.AuditTrail;
import io.duplex.core.security.Caller;
import io.duplex.core.security.Role;
import io.duplex.core.web.Problems;
import reactor.core.publisher.Mono;

/**
 * Rules for tenants' own provider keys: the tenant's admin (or a platform admin) sets, lists and
 * deletes them; another tenant's id answers 404 before anything else is looked at; the key is
 * sealed before it is stored; the audit log records who set or deleted which provider's key,
 * never the key.
 * <p>
 * Errors: 404 for a foreign or unknown tenant (or no key to read or delete), 403 for a tenant
 * role other than {@code tenant_admin}, 422 for an unknown provider or a malformed key, 409
 * {@code secret-encryption-not-configured} when the server has no secrets key.
 */
@Service
class ProviderKeyService {

	static final Set<String> PROVIDERS = Set.of(ProviderKey.OPENAI, ProviderKey.CASCADE);

	private final ProviderKeyRepository keys;

	private final SecretBox secrets;

	private final AuditTrail audit;

	private final TransactionalOperator tx;

	ProviderKeyService(ProviderKeyRepository keys, SecretBox secrets, AuditTrail audit, TransactionalOperator tx) {
		this.keys = keys;
		this.secrets = secrets;
		this.audit = audit;
		this.tx = tx;
	}

	/** The stored key and whether this call created it. */
	Mono<ProviderKeyRepository.Stored> put(Caller caller, String tenantId, String provider,
			SetProviderKeyRequest request) {
		return authorize(caller, tenantId).then(Mono.defer(() -> {
			if (!PROVIDERS.contains(provider)) {
				return Mono.error(Problems.validation("provider", "must be openai or cascade"));
			}
			String key = request.apiKey();
			if (key == null) {
				return Mono.error(Problems.validation("api_key", "is required"));
			}
			String problem = ProviderApiKeys.problem(key);
			if (problem != null) {
				return Mono.error(Problems.validation("api_key", problem));
			}
			Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
			return this.keys.put(tenantId, provider, this.secrets.seal(key, ProviderKey.context(tenantId, provider)), now)
				.flatMap((stored) -> this.audit
					.record(new AuditEntry(tenantId, caller,
							stored.created() ? "provider_key.created" : "provider_key.updated", "provider_key", provider,
							Map.of("provider", provider)))
					.thenReturn(stored))
				.as(this.tx::transactional);
		}));
	}

	Mono<ProviderKey> require(Caller caller, String tenantId, String provider) {
		return authorize(caller, tenantId).then(this.keys.find(tenantId, provider))
			.switchIfEmpty(Mono.error(() -> Problems.notFound("provider key " + provider)));
	}

	Mono<List<ProviderKey>> list(Caller caller, String tenantId) {
		return authorize(caller, tenantId).then(this.keys.list(tenantId).collectList());
	}

	Mono<Void> delete(Caller caller, String tenantId, String provider) {
		return authorize(caller, tenantId).then(this.keys.delete(tenantId, provider)
			.flatMap((deleted) -> deleted ? this.audit.record(new AuditEntry(tenantId, caller, "provider_key.deleted",
					"provider_key", provider, Map.of("provider", provider)))
					: Mono.error(Problems.notFound("provider key " + provider)))
			.as(this.tx::transactional));
	}

	/** Foreign or unknown tenant: 404; own tenant without the tenant admin role: 403. */
	private Mono<Void> authorize(Caller caller, String tenantId) {
		return Mono.fromRunnable(() -> {
			caller.requireAccessTo(tenantId, "tenant " + tenantId);
			caller.requireRole(Role.TENANT_ADMIN);
		})
			.then(this.keys.tenantExists(tenantId))
			.filter(Boolean::booleanValue)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("tenant " + tenantId)))
			.then();
	}

}

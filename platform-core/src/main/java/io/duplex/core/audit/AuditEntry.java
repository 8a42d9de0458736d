package io.duplex.core.audit;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.duplex.core.security.Caller;

/**
 * One thing somebody did: who (the caller), what ({@code action} such as {@code agent.updated}),
 * to which resource, in which tenant.
 * @param tenantId the tenant the resource belongs to; {@code null} for platform-wide resources
 * @param actor the caller that did it
 * @param action a dotted verb such as {@code api_key.revoked}
 * @param resourceType the kind of resource, e.g. {@code agent}
 * @param resourceId the resource's id
 * @param details a few facts worth keeping (never a secret)
 */
public record AuditEntry(@Nullable String tenantId, Caller actor, String action, String resourceType,
		String resourceId, Map<String, Object> details) {
}

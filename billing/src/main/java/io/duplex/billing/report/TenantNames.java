package io.duplex.billing.report;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.duplex.core.tenant.TenantDirectory;
import io.duplex.core.tenant.TenantInfo;

/**
 * Tenants' display names for one export's rows, each asked of the control plane once. Blocking:
 * used on an export's own thread ({@link CopyExports}) or wherever blocking is allowed, never on
 * an event loop.
 */
final class TenantNames {

	/** Names remembered at most: beyond, forgotten, so memory stays constant. */
	private static final int REMEMBERED = 10_000;

	private static final Duration LOOKUP = Duration.ofSeconds(30);

	private final TenantDirectory tenants;

	/** By tenant id; the empty string for a tenant that no longer exists. */
	private final Map<String, String> names = new HashMap<>();

	TenantNames(TenantDirectory tenants) {
		this.tenants = tenants;
	}

	/** The tenant's name; null when the control plane knows no such tenant. */
	@Nullable String of(String tenantId) {
		String name = this.names.get(tenantId);
		if (name == null) {
			if (this.names.size() >= REMEMBERED) {
				this.names.clear();
			}
			// blocking: an export thread (or a test), see the class comment
			name = this.tenants.find(tenantId).map(TenantInfo::name).blockOptional(LOOKUP).orElse("");
			this.names.put(tenantId, name);
		}
		return name.isEmpty() ? null : name;
	}

}

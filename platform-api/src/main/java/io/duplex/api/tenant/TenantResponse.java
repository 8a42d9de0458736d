package io.duplex.api.tenant;

import java.time.Instant;
import io.swagger.v3.oas.annotations.media.Schema;

/** A tenant on the wire. */
record TenantResponse(String id, String object, String name,
		@Schema(allowableValues = { Tenant.ACTIVE, Tenant.SUSPENDED }) String status, int maxConcurrentSessions,
		Instant createdAt, Instant updatedAt) {

	static TenantResponse from(Tenant tenant) {
		return new TenantResponse(tenant.id(), "tenant", tenant.name(), tenant.status(), tenant.maxConcurrentSessions(),
				tenant.createdAt(), tenant.updatedAt());
	}

}

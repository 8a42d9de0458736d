package io.duplex.api.tenant;

import java.time.Instant;

/** A customer organisation: the boundary of every other resource. */
record Tenant(String id, String name, String status, int maxConcurrentSessions, Instant createdAt,
		Instant updatedAt) {

	static final String ACTIVE = "active";

	static final String SUSPENDED = "suspended";

}

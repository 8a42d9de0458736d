package io.duplex.api.audit;

import java.time.Instant;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/** One audit log entry on the wire. */
record AuditEvent(String id, String object, @Nullable String tenantId, String actorCredentialId, String actorRole,
		String action, String resourceType, String resourceId, @Schema(type = "object", description = "What the action changed; members depend on the action",
				additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Object> details,
		@Nullable String requestId, Instant occurredAt) {
}

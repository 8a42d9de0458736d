package io.duplex.api.tenant;

import org.jspecify.annotations.Nullable;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Creates a tenant.
 * @param name display name
 * @param maxConcurrentSessions how many live sessions the tenant may hold at once (default 100)
 */
record CreateTenantRequest(@NotBlank @Size(max = 128) String name,
		@Nullable @Min(0) @Max(100_000) Integer maxConcurrentSessions) {
}

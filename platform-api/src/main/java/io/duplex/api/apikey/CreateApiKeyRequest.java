package io.duplex.api.apikey;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Creates an API key for a tenant.
 * @param name what the key is for, e.g. {@code ci-deploy}
 * @param role one of {@code tenant_admin}, {@code developer}, {@code finance}, {@code viewer}
 */
record CreateApiKeyRequest(@NotBlank @Size(max = 128) String name,
		@NotBlank @Pattern(regexp = "tenant_admin|developer|finance|viewer",
				message = "must be one of tenant_admin, developer, finance, viewer") String role) {
}

package io.duplex.api.apikey;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Creates a platform admin key: it has no tenant, and its role is always {@code platform_admin}.
 * @param name what the key is for, e.g. {@code ops-2027}
 */
record CreatePlatformAdminKeyRequest(@NotBlank @Size(max = 128) String name) {
}

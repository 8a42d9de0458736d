package io.duplex.core.security;

import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.duplex.core.web.Problems;

/**
 * Who is calling: the credential's id, its tenant (none for a platform admin) and its role.
 * <p>
 * The checks here are the one place where tenant scoping and role rules are decided, so every
 * endpoint answers a foreign tenant's id with 404 and a missing permission with 403 in the same
 * way.
 * @param credentialId id of the API key (or client secret) that authenticated the request
 * @param tenantId the caller's tenant; {@code null} only for a platform admin
 * @param role what the caller may do
 */
public record Caller(String credentialId, @Nullable String tenantId, Role role) {

	public Caller {
		if ((role == Role.PLATFORM_ADMIN) != (tenantId == null)) {
			throw new IllegalArgumentException("platform admins, and only they, have no tenant");
		}
	}

	public boolean isPlatformAdmin() {
		return this.role == Role.PLATFORM_ADMIN;
	}

	/**
	 * The tenant this caller acts in. A platform admin has none and is refused with 403 on a
	 * tenant's own endpoints, which are addressed by tenant keys.
	 */
	public String requireTenant() {
		if (this.tenantId == null) {
			throw Problems.forbidden("This endpoint acts within one tenant; call it with one of the tenant's API keys.");
		}
		return this.tenantId;
	}

	/**
	 * Checks that this caller may see resources of {@code tenantId}. Another tenant's resources
	 * do not exist for it: the answer is 404 for {@code what}, never 403.
	 */
	public void requireAccessTo(String tenantId, String what) {
		if (!isPlatformAdmin() && !Objects.equals(this.tenantId, tenantId)) {
			throw Problems.notFound(what);
		}
	}

	/** Checks that the caller has one of {@code roles}; platform admins always pass. */
	public void requireRole(Role... roles) {
		if (isPlatformAdmin() || Arrays.asList(roles).contains(this.role)) {
			return;
		}
		throw Problems.forbidden("A " + this.role.wireName() + " key may not do this.");
	}

	/** Checks that the caller is a platform admin. */
	public void requirePlatformAdmin() {
		if (!isPlatformAdmin()) {
			throw Problems.forbidden("Only a platform admin may do this.");
		}
	}

	/** Checks that the caller may change things (every role but viewer and finance). */
	public void requireWriter() {
		requireRole(Role.TENANT_ADMIN, Role.DEVELOPER);
	}

}

package io.duplex.core.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a caller may do. Platform admins act across tenants; every other role within one tenant. */
public enum Role {

	PLATFORM_ADMIN, TENANT_ADMIN, DEVELOPER, FINANCE, VIEWER;

	/** The name used on the wire and in the database, e.g. {@code tenant_admin}. */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The role with this wire name; empty if there is none. */
	public static Optional<Role> fromWireName(String name) {
		return Arrays.stream(values()).filter((role) -> role.wireName().equals(name)).findFirst();
	}

}

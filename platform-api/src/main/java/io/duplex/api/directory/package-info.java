/**
 * The control plane's side of the ports other modules read through ({@code AgentDirectory},
 * {@code ModelCatalog}, {@code TenantDirectory}; {@code TenantCredentials} is in the credentials
 * feature, next to the keys it opens). They are not tied to a role: a process that only
 * runs sessions still reads agents, the catalog and tenants.
 */
@NullMarked
package io.duplex.api.directory;

import org.jspecify.annotations.NullMarked;

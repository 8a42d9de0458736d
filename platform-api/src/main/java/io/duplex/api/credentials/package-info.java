/**
 * Tenants' own provider keys ("bring your own key"): a tenant admin stores the tenant's key for a
 * provider, sealed at rest, and sessions of the tenant's agents use it instead of the catalog's or
 * the platform's. Keys are write-only: no answer, log line or audit entry holds one.
 */
@NullMarked
package io.duplex.api.credentials;

import org.jspecify.annotations.NullMarked;

package io.duplex.session.provider;

/**
 * Whose session it is and where it runs: a provider picks its endpoints (per region and compute
 * pool, from the catalog) and its credentials (the tenant's own key, when it has one) from this.
 */
public record Placement(String tenantId, String region, String compute) {
}

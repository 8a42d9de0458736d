package io.duplex.core.tenant;

/**
 * A tenant's name, status and quotas.
 * @param name its display name (finance exports show it)
 * @param active false once suspended: its sessions are refused
 * @param maxConcurrentSessions live sessions the tenant may hold at once
 */
public record TenantInfo(String id, String name, boolean active, int maxConcurrentSessions) {
}

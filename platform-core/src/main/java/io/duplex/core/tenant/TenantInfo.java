package io.duplex.core.tenant;

/**
 * A tenant's status and quotas.
 * @param active false once suspended: its sessions are refused
 * @param maxConcurrentSessions live sessions the tenant may hold at once
 */
public record TenantInfo(String id, boolean active, int maxConcurrentSessions) {
}

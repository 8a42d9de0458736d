package io.duplex.core.catalog;

/** A compute pool's identity and how many sessions it may run at once. */
public record PoolInfo(String region, String id, int maxConcurrentSessions) {
}

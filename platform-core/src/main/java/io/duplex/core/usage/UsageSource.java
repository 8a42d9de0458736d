package io.duplex.core.usage;

/**
 * Who measured a usage event. Each source has its own idempotency keys, so a tenant's report can
 * never take the place of what the platform metered.
 */
public enum UsageSource {

	/** Metered by Duplex for its own sessions (tokens, session and compute seconds, speech). */
	PLATFORM("platform"),

	/** Reported by the tenant through {@code POST /v1/usage/events}. */
	TENANT("tenant");

	private final String wireName;

	UsageSource(String wireName) {
		this.wireName = wireName;
	}

	/** The name in the ledger, the API and exports. */
	public String wireName() {
		return this.wireName;
	}

}

package io.duplex.core.session;

import org.jspecify.annotations.Nullable;

/**
 * Which sessions to end, and why: always one tenant's; of those, only one agent's when
 * {@code agentId} is set, and only those a key created, opened or minted the secret of when
 * {@code credentialId} is set. Made by the factories, one per reason.
 * @param message what the client is told in the {@code error} event
 */
public record SessionTermination(String tenantId, @Nullable String agentId, @Nullable String credentialId,
		TerminationReason reason, String message) {

	/** Every session of the suspended tenant. */
	public static SessionTermination tenantSuspended(String tenantId) {
		return new SessionTermination(tenantId, null, null, TerminationReason.TENANT_SUSPENDED,
				TerminationReason.TENANT_SUSPENDED.defaultMessage());
	}

	/** The sessions the revoked API key {@code keyId} created or opened, or minted the client secret of. */
	public static SessionTermination credentialRevoked(String tenantId, String keyId) {
		return new SessionTermination(tenantId, null, keyId, TerminationReason.CREDENTIAL_REVOKED,
				TerminationReason.CREDENTIAL_REVOKED.defaultMessage());
	}

	/** The sessions of the deleted agent. */
	public static SessionTermination agentDeleted(String tenantId, String agentId) {
		return new SessionTermination(tenantId, agentId, null, TerminationReason.AGENT_DELETED,
				TerminationReason.AGENT_DELETED.defaultMessage());
	}

	/**
	 * The sessions a used-up hard-capped budget covers: the tenant's, or one agent's.
	 * @param message names the budget
	 */
	public static SessionTermination budgetExhausted(String tenantId, @Nullable String agentId, String message) {
		return new SessionTermination(tenantId, agentId, null, TerminationReason.BUDGET_EXHAUSTED, message);
	}

}

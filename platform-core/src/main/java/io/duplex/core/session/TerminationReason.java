package io.duplex.core.session;

/**
 * Why sessions are ended from outside; {@link #code()} is their {@code end_reason} and the error
 * code their client gets.
 */
public enum TerminationReason {

	/** A platform admin suspended the tenant. */
	TENANT_SUSPENDED("tenant_suspended", "The tenant was suspended."),
	/** The API key that created or opened the session, or minted its client secret, was revoked. */
	CREDENTIAL_REVOKED("credential_revoked", "The API key this session was started with was revoked."),
	/** The session's agent was deleted. */
	AGENT_DELETED("agent_deleted", "The agent of this session was deleted."),
	/** A hard-capped monthly budget of the tenant, or of the session's agent, is used up. */
	BUDGET_EXHAUSTED("budget_exhausted", "A hard-capped budget is used up.");

	private final String code;

	private final String message;

	TerminationReason(String code, String message) {
		this.code = code;
		this.message = message;
	}

	/** The wire code: the session's {@code end_reason} and the {@code error} event's {@code code}. */
	public String code() {
		return this.code;
	}

	/** What the client is told when nothing more specific is known. */
	public String defaultMessage() {
		return this.message;
	}

}

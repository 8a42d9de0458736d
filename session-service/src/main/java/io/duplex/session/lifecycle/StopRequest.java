package io.duplex.session.lifecycle;

/**
 * A stop asked for a session from outside (its tenant suspended, its key revoked, its agent
 * deleted, a budget used up).
 * @param reason the code: the session's {@code end_reason} and the code of the client's {@code error}
 * @param message what the client is told
 */
public record StopRequest(String tenantId, String sessionId, String reason, String message) {
}

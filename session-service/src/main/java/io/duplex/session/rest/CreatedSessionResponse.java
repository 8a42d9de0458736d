package io.duplex.session.rest;

import java.time.Instant;
import java.util.Map;

import io.duplex.session.lifecycle.Session;
import io.duplex.session.lifecycle.SessionStarter;
import io.duplex.session.secrets.ClientSecretStore;

/**
 * A session just created, with what a client needs to open it: the socket URL and, this once,
 * the client secret.
 * @param url the realtime socket of the session, {@code wss://host/v1/realtime?session=sess_...}
 */
record CreatedSessionResponse(String id, String object, String status, String agent, int agentVersion,
		String conversation, String region, String model, String compute, String url, ClientSecret clientSecret,
		Map<String, String> metadata, Instant createdAt) {

	/**
	 * The secret that opens the session's one socket.
	 * @param expiresAt after this the secret opens nothing; the session must be opened within the
	 * connect timeout ({@code duplex.sessions.connect-timeout}) all the same, or it ends unopened
	 */
	record ClientSecret(String value, Instant expiresAt) {
	}

	static CreatedSessionResponse from(SessionStarter.Started started, String url) {
		Session session = started.session();
		ClientSecretStore.Issued secret = started.requireSecret();
		return new CreatedSessionResponse(session.id(), SessionResponse.OBJECT, session.status(), session.agentId(),
				session.agentVersion(), session.conversationId(), session.region(), session.model(), session.compute(),
				url, new ClientSecret(secret.value(), secret.expiresAt()), session.metadata(), session.createdAt());
	}

}

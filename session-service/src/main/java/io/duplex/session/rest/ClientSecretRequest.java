package io.duplex.session.rest;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * OpenAI's {@code RealtimeCreateClientSecretRequest}: {@code POST /v1/realtime/client_secrets}.
 * @param expiresAfter when the secret stops opening a socket; default 600 seconds after creation
 * @param session a GA realtime session configuration whose {@code model} names the agent
 * ({@code agt_...}); other fields may only change what the agent's {@code session_overrides} free
 * @see <a href="https://platform.openai.com/docs/api-reference/realtime-sessions/create-realtime-client-secret">OpenAI: create client secret</a>
 */
record ClientSecretRequest(@Nullable ExpiresAfter expiresAfter, @Nullable JsonNode session) {

	static final int MIN_SECONDS = 10;

	static final int MAX_SECONDS = 7200;

	static final int DEFAULT_SECONDS = 600;

	/**
	 * {@code expires_after}.
	 * @param anchor only {@code created_at}
	 * @param seconds 10 to 7200
	 */
	record ExpiresAfter(@Nullable String anchor, @Nullable Long seconds) {
	}

}

package io.duplex.session.rest;

import tools.jackson.databind.JsonNode;

/**
 * OpenAI's {@code RealtimeCreateClientSecretResponse}.
 * @param value the secret, {@code ek_...}
 * @param expiresAt when it stops opening a socket, in Unix seconds (OpenAI's shape, not RFC 3339)
 * @param session the effective GA session object, {@code id} being the Duplex session's
 */
record ClientSecretResponse(String value, long expiresAt, JsonNode session) {
}

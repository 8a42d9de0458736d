package io.duplex.session.rest;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Creates a session: {@code POST /v1/sessions}.
 * @param agent the agent's id ({@code agt_...})
 * @param agentVersion pin a version of the agent; default its current version
 * @param conversation continue this earlier conversation of the same agent; default a new one
 * @param metadata up to 16 string pairs, laid over the agent's metadata
 * @param expiresAfterSeconds how long the client secret may open the socket, 10 to 7200 (default 600)
 */
record CreateSessionRequest(@NotBlank @Size(max = 64) String agent, @Nullable @Min(1) Integer agentVersion,
		@Nullable @Size(min = 1, max = 64) String conversation, @Nullable Map<String, String> metadata,
		@Nullable @Min(ClientSecretRequest.MIN_SECONDS) @Max(ClientSecretRequest.MAX_SECONDS) Integer expiresAfterSeconds) {
}

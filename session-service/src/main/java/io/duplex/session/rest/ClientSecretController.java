package io.duplex.session.rest;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.Caller;
import reactor.core.publisher.Mono;

/**
 * OpenAI's {@code POST /v1/realtime/client_secrets}, so OpenAI's SDKs and samples mint secrets
 * against Duplex unchanged: {@code session.model} names the agent. It creates a Duplex session
 * exactly as {@code POST /v1/sessions} does, and answers in OpenAI's shape (200, Unix seconds).
 * @see <a href="https://platform.openai.com/docs/api-reference/realtime-sessions/create-realtime-client-secret">OpenAI: create client secret</a>
 */
@RestController
@ConditionalOnRole(DuplexRole.API)
class ClientSecretController {

	private final SessionService sessions;

	ClientSecretController(SessionService sessions) {
		this.sessions = sessions;
	}

	@PostMapping("/v1/realtime/client_secrets")
	Mono<ClientSecretResponse> create(@AuthenticationPrincipal Caller caller, @RequestBody ClientSecretRequest body) {
		return this.sessions.createClientSecret(caller, body);
	}

}

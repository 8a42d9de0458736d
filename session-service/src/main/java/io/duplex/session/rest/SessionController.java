package io.duplex.session.rest;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.Caller;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/sessions}: a tenant's sessions. Tenant admins and developers create and end them;
 * every key of the tenant reads them.
 */
@RestController
@RequestMapping("/v1/sessions")
@ConditionalOnRole(DuplexRole.API)
class SessionController {

	private final SessionService sessions;

	SessionController(SessionService sessions) {
		this.sessions = sessions;
	}

	/** Creates a session: 201 with its socket URL and, this once, its client secret. */
	@PostMapping
	@ResponseStatus(HttpStatus.CREATED) // documents the 201 that ResponseEntity.created answers
	@ApiResponse(responseCode = "404", description = "No such agent in the caller's tenant")
	@ApiResponse(responseCode = "429", description = "No room for the session (session-quota-exceeded, "
			+ "compute-pool-full, pool-share-exceeded), or the tenant holds the most Idempotency-Keys allowed; "
			+ "retry after Retry-After")
	Mono<ResponseEntity<CreatedSessionResponse>> create(@AuthenticationPrincipal Caller caller,
			@Validated @RequestBody CreateSessionRequest body, UriComponentsBuilder uri) {
		return this.sessions.create(caller, body)
			.map((started) -> ResponseEntity
				.created(uri.cloneBuilder().path("/v1/sessions/{id}").build(started.session().id()))
				.body(CreatedSessionResponse.from(started, socketUrl(uri, started.session().id()))));
	}

	/** The tenant's sessions, newest first. */
	@GetMapping
	Mono<Page<SessionResponse>> list(@AuthenticationPrincipal Caller caller,
			@RequestParam(required = false) @Nullable String agent,
			@RequestParam(required = false) @Nullable String status,
			@RequestParam(name = "created_after", required = false) @Nullable String createdAfter,
			@RequestParam(name = "created_before", required = false) @Nullable String createdBefore,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String after) {
		SessionService.Filter filter = SessionService.Filter.of(agent, status, createdAfter, createdBefore);
		return this.sessions.list(caller, filter, PageRequest.of(limit, after));
	}

	/** A session with its segments and usage. */
	@GetMapping("/{id}")
	Mono<SessionResponse> get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return this.sessions.require(caller, id);
	}

	/** Ends a session (reason {@code ended_by_api}); an ended session is answered unchanged. */
	@PostMapping("/{id}/end")
	Mono<SessionResponse> end(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return this.sessions.end(caller, id);
	}

	/**
	 * The session's socket on the host the client called, so it works behind the same proxy:
	 * {@code ws} for {@code http}, {@code wss} for {@code https}.
	 */
	static String socketUrl(UriComponentsBuilder request, String sessionId) {
		String scheme = "https".equalsIgnoreCase(request.build().getScheme()) ? "wss" : "ws";
		return request.cloneBuilder()
			.scheme(scheme)
			.path("/v1/realtime")
			.queryParam("session", sessionId)
			.build()
			.toUriString();
	}

}

package io.duplex.api.agent;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
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
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/agents}: a tenant's agents and their versions, addressed with the tenant's keys.
 * Tenant admins and developers write; finance and viewer keys read.
 */
@RestController
@RequestMapping("/v1/agents")
@ConditionalOnRole(DuplexRole.API)
@Tag(name = "Agents")
class AgentController {

	/** RFC 7396's media type; plain JSON is accepted too. */
	static final String MERGE_PATCH = "application/merge-patch+json";

	private final AgentService agents;

	AgentController(AgentService agents) {
		this.agents = agents;
	}

	@PostMapping
	@Operation(summary = "Create an agent; fields left out take their defaults")
	@ResponseStatus(HttpStatus.CREATED) // documents the 201 that ResponseEntity.created answers
	Mono<ResponseEntity<AgentResponse>> create(@AuthenticationPrincipal Caller caller, @RequestBody AgentRequest body,
			UriComponentsBuilder uri) {
		return this.agents.create(caller, body)
			.map((agent) -> ResponseEntity.created(uri.path("/v1/agents/{id}").build(agent.id()))
				.body(AgentResponse.from(agent)));
	}

	@GetMapping
	@Operation(summary = "List the tenant's agents, newest first")
	Mono<Page<AgentResponse>> list(@AuthenticationPrincipal Caller caller,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String after) {
		return this.agents.list(caller, PageRequest.of(limit, after)).map((page) -> page.map(AgentResponse::from));
	}

	@GetMapping("/{id}")
	@Operation(summary = "Get an agent with its current configuration")
	Mono<AgentResponse> get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return this.agents.require(caller, id).map(AgentResponse::from);
	}

	@PatchMapping(path = "/{id}", consumes = { MERGE_PATCH, "application/json" })
	@Operation(summary = "Change an agent with a JSON merge patch (RFC 7396); null puts a field's default back",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
					content = @Content(mediaType = MERGE_PATCH, schema = @Schema(implementation = AgentRequest.class))))
	Mono<AgentResponse> update(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@RequestBody JsonNode patch) {
		return this.agents.update(caller, id, patch).map(AgentResponse::from);
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Delete an agent; its versions stay stored but are no longer served, "
			+ "and its live sessions end within 2 s")
	Mono<AgentDeletedResponse> delete(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return this.agents.delete(caller, id).thenReturn(AgentDeletedResponse.of(id));
	}

	@GetMapping("/{id}/versions")
	@Operation(summary = "List an agent's versions, newest first; after is a version number")
	Mono<Page<AgentVersionResponse>> versions(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String after) {
		return this.agents.versions(caller, id, PageRequest.of(limit, after))
			.map((page) -> page.map(AgentVersionResponse::from));
	}

	@GetMapping("/{id}/versions/{version}")
	@Operation(summary = "Get one version of an agent (1 is the first)")
	Mono<AgentVersionResponse> version(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@PathVariable int version) {
		return this.agents.version(caller, id, version).map(AgentVersionResponse::from);
	}

}

package io.duplex.api.apikey;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
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
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/** {@code /v1/tenants/{id}/api_keys}: create (secret shown once), list, revoke. */
@RestController
@RequestMapping("/v1/tenants/{tenantId}/api_keys")
@ConditionalOnRole(DuplexRole.API)
@Tag(name = "API keys")
class ApiKeyController {

	private final ApiKeyService keys;

	ApiKeyController(ApiKeyService keys) {
		this.keys = keys;
	}

	@PostMapping
	@Operation(summary = "Create an API key; the secret is in this answer only")
	@ResponseStatus(HttpStatus.CREATED) // documents the 201 that ResponseEntity.created answers
	Mono<ResponseEntity<ApiKeyResponse>> create(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId,
			@Validated @RequestBody CreateApiKeyRequest body, UriComponentsBuilder uri) {
		return this.keys.create(caller, tenantId, body)
			.map((created) -> ResponseEntity
				.created(uri.path("/v1/tenants/{t}/api_keys/{k}").build(tenantId, created.key().id()))
				.body(ApiKeyResponse.withSecret(created.key(), created.secret())));
	}

	@GetMapping
	@Operation(summary = "List a tenant's API keys, newest first")
	Mono<Page<ApiKeyResponse>> list(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String after) {
		return this.keys.list(caller, tenantId, PageRequest.of(limit, after)).map((page) -> page.map(ApiKeyResponse::from));
	}

	@DeleteMapping("/{keyId}")
	@Operation(summary = "Revoke an API key; it stops working on the next request, "
			+ "and the sessions it started end within 2 s")
	Mono<ApiKeyResponse> revoke(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId,
			@PathVariable String keyId) {
		return this.keys.revoke(caller, tenantId, keyId).map(ApiKeyResponse::from);
	}

}

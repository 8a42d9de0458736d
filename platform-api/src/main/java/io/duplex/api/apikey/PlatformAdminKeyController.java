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

/**
 * {@code /v1/admin/api_keys}: platform admin keys (no tenant), so the bootstrap key can be rotated
 * away. Platform admins only; any other key gets 403, as on every {@code /v1/admin} endpoint.
 */
@RestController
@RequestMapping("/v1/admin/api_keys")
@ConditionalOnRole(DuplexRole.API)
@Tag(name = "Platform admin keys")
class PlatformAdminKeyController {

	private final ApiKeyService keys;

	PlatformAdminKeyController(ApiKeyService keys) {
		this.keys = keys;
	}

	@PostMapping
	@Operation(summary = "Create a platform admin key; the secret is in this answer only (platform admin)")
	@ResponseStatus(HttpStatus.CREATED) // documents the 201 that ResponseEntity.created answers
	Mono<ResponseEntity<ApiKeyResponse>> create(@AuthenticationPrincipal Caller caller,
			@Validated @RequestBody CreatePlatformAdminKeyRequest body, UriComponentsBuilder uri) {
		return this.keys.createPlatformAdmin(caller, body)
			.map((created) -> ResponseEntity.created(uri.path("/v1/admin/api_keys/{k}").build(created.key().id()))
				.body(ApiKeyResponse.withSecret(created.key(), created.secret())));
	}

	@GetMapping
	@Operation(summary = "List platform admin keys, active and revoked, newest first (platform admin)")
	Mono<Page<ApiKeyResponse>> list(@AuthenticationPrincipal Caller caller,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String after) {
		return this.keys.listPlatformAdmins(caller, PageRequest.of(limit, after))
			.map((page) -> page.map(ApiKeyResponse::from));
	}

	@DeleteMapping("/{keyId}")
	@Operation(summary = "Revoke a platform admin key; it stops working on the next request. "
			+ "The last active one cannot be revoked (409) (platform admin)")
	Mono<ApiKeyResponse> revoke(@AuthenticationPrincipal Caller caller, @PathVariable String keyId) {
		return this.keys.revokePlatformAdmin(caller, keyId).map(ApiKeyResponse::from);
	}

}

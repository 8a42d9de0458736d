package io.duplex.api.credentials;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import io.duplex.core.page.Page;
import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/tenants/{id}/provider_keys}: a tenant's own provider keys. {@code PUT} sets one (201
 * when new, 200 when replaced); {@code GET} says which providers have one; {@code DELETE} removes
 * one. The key itself is never in an answer.
 */
@RestController
@RequestMapping("/v1/tenants/{tenantId}/provider_keys")
@ConditionalOnRole(DuplexRole.API)
@Tag(name = "Provider keys")
class ProviderKeyController {

	private final ProviderKeyService keys;

	ProviderKeyController(ProviderKeyService keys) {
		this.keys = keys;
	}

	@PutMapping("/{provider}")
	@Operation(summary = "Set the tenant's own key for a provider (openai or cascade); write-only")
	@ApiResponse(responseCode = "200", description = "The key replaced the tenant's earlier one",
			content = @Content(mediaType = "application/json", schema = @Schema(implementation = ProviderKeyResponse.class)))
	@ApiResponse(responseCode = "201", description = "The tenant had no key for the provider before",
			content = @Content(mediaType = "application/json", schema = @Schema(implementation = ProviderKeyResponse.class)))
	Mono<ResponseEntity<ProviderKeyResponse>> put(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId,
			@PathVariable String provider, @RequestBody SetProviderKeyRequest body, UriComponentsBuilder uri) {
		return this.keys.put(caller, tenantId, provider, body).map((stored) -> {
			ProviderKeyResponse response = ProviderKeyResponse.from(stored.key());
			return stored.created() ? ResponseEntity
				.created(uri.path("/v1/tenants/{t}/provider_keys/{p}").build(tenantId, provider))
				.body(response) : ResponseEntity.ok(response);
		});
	}

	@GetMapping
	@Operation(summary = "List the providers the tenant has its own key for (never the keys)")
	Mono<Page<ProviderKeyResponse>> list(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId) {
		return this.keys.list(caller, tenantId).map((all) -> {
			var data = all.stream().map(ProviderKeyResponse::from).toList();
			return new Page<>("list", data, false, data.isEmpty() ? null : data.get(0).id(),
					data.isEmpty() ? null : data.get(data.size() - 1).id());
		});
	}

	@GetMapping("/{provider}")
	@Operation(summary = "Whether the tenant has its own key for a provider (never the key)")
	Mono<ProviderKeyResponse> get(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId,
			@PathVariable String provider) {
		return this.keys.require(caller, tenantId, provider).map(ProviderKeyResponse::from);
	}

	@DeleteMapping("/{provider}")
	@Operation(summary = "Delete the tenant's own key for a provider; its sessions fall back to the platform's")
	Mono<ProviderKeyDeletedResponse> delete(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId,
			@PathVariable String provider) {
		return this.keys.delete(caller, tenantId, provider).thenReturn(ProviderKeyDeletedResponse.of(tenantId, provider));
	}

}

package io.duplex.api.catalog;

import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/admin/{models,regions,compute}}: platform admins create, replace and delete catalog
 * entries; every other key gets 403. Created entries are read back at {@code /v1/...}.
 */
@RestController
@RequestMapping("/v1/admin")
@ConditionalOnRole(DuplexRole.API)
@Tag(name = "Catalog administration")
class CatalogAdminController {

	private final CatalogAdminService admin;

	CatalogAdminController(CatalogAdminService admin) {
		this.admin = admin;
	}

	@PostMapping("/models")
	@Operation(summary = "Add a model with its upstream endpoints (platform admin); 409 if the id exists; "
			+ "api_key fields are write-only")
	@ResponseStatus(HttpStatus.CREATED) // documents the 201 that ResponseEntity.created answers
	Mono<ResponseEntity<ModelResponse>> createModel(@AuthenticationPrincipal Caller caller,
			@RequestBody ModelDefinition body, UriComponentsBuilder uri) {
		return this.admin.createModel(caller, body)
			.map((entry) -> ResponseEntity.created(uri.path("/v1/models/{id}").build(entry.model().id()))
				.body(entry.response()));
	}

	@PutMapping("/models/{id}")
	@Operation(summary = "Replace a model (platform admin); an endpoint sent without api_key keeps its stored key")
	Mono<ModelResponse> replaceModel(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@RequestBody ModelDefinition body) {
		return this.admin.replaceModel(caller, id, body).map(ModelEntry::response);
	}

	@DeleteMapping("/models/{id}")
	@Operation(summary = "Delete a model no agent uses (platform admin); 409 if in use")
	Mono<DeletedEntryResponse> deleteModel(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return this.admin.deleteModel(caller, id).thenReturn(DeletedEntryResponse.of("model", id));
	}

	@PostMapping("/regions")
	@Operation(summary = "Add a region (platform admin); 409 if the id exists")
	@ResponseStatus(HttpStatus.CREATED) // documents the 201 that ResponseEntity.created answers
	Mono<ResponseEntity<RegionResponse>> createRegion(@AuthenticationPrincipal Caller caller,
			@RequestBody RegionDefinition body, UriComponentsBuilder uri) {
		return this.admin.createRegion(caller, body)
			.map((region) -> ResponseEntity.created(uri.path("/v1/regions/{id}").build(region.id()))
				.body(RegionResponse.from(region)));
	}

	@PutMapping("/regions/{id}")
	@Operation(summary = "Replace a region (platform admin)")
	Mono<RegionResponse> replaceRegion(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@RequestBody RegionDefinition body) {
		return this.admin.replaceRegion(caller, id, body).map(RegionResponse::from);
	}

	@DeleteMapping("/regions/{id}")
	@Operation(summary = "Delete a region nothing is placed in (platform admin); 409 if in use")
	Mono<DeletedEntryResponse> deleteRegion(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return this.admin.deleteRegion(caller, id).thenReturn(DeletedEntryResponse.of("region", id));
	}

	@PostMapping("/compute")
	@Operation(summary = "Add a compute pool to a region (platform admin); 409 if it exists")
	@ResponseStatus(HttpStatus.CREATED) // documents the 201 that ResponseEntity.created answers
	Mono<ResponseEntity<ComputePoolResponse>> createPool(@AuthenticationPrincipal Caller caller,
			@RequestBody ComputePoolDefinition body, UriComponentsBuilder uri) {
		return this.admin.createPool(caller, body)
			.map((pool) -> ResponseEntity.created(uri.path("/v1/compute/{region}/{id}").build(pool.region(), pool.id()))
				.body(ComputePoolResponse.from(pool)));
	}

	@PutMapping("/compute/{region}/{id}")
	@Operation(summary = "Replace a compute pool (platform admin)")
	Mono<ComputePoolResponse> replacePool(@AuthenticationPrincipal Caller caller, @PathVariable String region,
			@PathVariable String id, @RequestBody ComputePoolDefinition body) {
		return this.admin.replacePool(caller, region, id, body).map(ComputePoolResponse::from);
	}

	@DeleteMapping("/compute/{region}/{id}")
	@Operation(summary = "Delete a compute pool nothing is placed on (platform admin); 409 if in use")
	Mono<DeletedEntryResponse> deletePool(@AuthenticationPrincipal Caller caller, @PathVariable String region,
			@PathVariable String id) {
		return this.admin.deletePool(caller, region, id).thenReturn(DeletedEntryResponse.pool(region, id));
	}

}

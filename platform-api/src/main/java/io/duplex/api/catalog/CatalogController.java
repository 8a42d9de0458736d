package io.duplex.api.catalog;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.duplex.core.page.Page;
import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.AnyRole;
import io.duplex.core.security.Caller;
import io.duplex.core.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/regions}, {@code /v1/compute}, {@code /v1/models}: any authenticated key reads the
 * catalog. The catalog is small, so each list comes whole, as one page without more.
 */
@RestController
@RequestMapping("/v1")
@ConditionalOnRole(DuplexRole.API)
@Tag(name = "Catalog")
@AnyRole // every key reads the catalog; a platform admin sees more of it
class CatalogController {

	private final Catalog catalog;

	CatalogController(Catalog catalog) {
		this.catalog = catalog;
	}

	@GetMapping("/regions")
	@Operation(summary = "List regions")
	Mono<Page<RegionResponse>> regions() {
		return this.catalog.regions()
			.map(RegionResponse::from)
			.collectList()
			.map((all) -> whole(all, RegionResponse::id));
	}

	@GetMapping("/regions/{id}")
	@Operation(summary = "Get a region")
	Mono<RegionResponse> region(@PathVariable String id) {
		return this.catalog.findRegion(id)
			.map(RegionResponse::from)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("region " + id)));
	}

	@GetMapping("/compute")
	@Operation(summary = "List compute pools, of every region or of one")
	Mono<Page<ComputePoolResponse>> pools(@RequestParam(required = false) @Nullable String region) {
		return ((region != null) ? this.catalog.poolsIn(region) : this.catalog.pools()).map(ComputePoolResponse::from)
			.collectList()
			.map((all) -> whole(all, ComputePoolResponse::id));
	}

	@GetMapping("/compute/{region}/{id}")
	@Operation(summary = "Get a compute pool of a region")
	Mono<ComputePoolResponse> pool(@PathVariable String region, @PathVariable String id) {
		return this.catalog.findPool(region, id)
			.map(ComputePoolResponse::from)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("compute pool " + region + "/" + id)));
	}

	@GetMapping("/models")
	@Operation(summary = "List models with their limits, audio token rates and list prices "
			+ "(and, for platform admins, their upstream endpoints)")
	Mono<Page<ModelResponse>> models(@AuthenticationPrincipal Caller caller) {
		Mono<Map<String, List<ModelEndpoint>>> endpoints = caller.isPlatformAdmin()
				? this.catalog.endpoints()
					.collectList()
					.map((all) -> all.stream().collect(Collectors.groupingBy(ModelEndpoint::modelId)))
				: Mono.just(Map.of());
		return endpoints
			.flatMap((byModel) -> this.catalog.models()
				.map((model) -> caller.isPlatformAdmin()
						? ModelResponse.from(model, byModel.getOrDefault(model.id(), List.of()))
						: ModelResponse.from(model))
				.collectList())
			.map((all) -> whole(all, ModelResponse::id));
	}

	@GetMapping("/models/{id}")
	@Operation(summary = "Get a model (for platform admins, with its upstream endpoints)")
	Mono<ModelResponse> model(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return this.catalog.findModel(id)
			.flatMap((model) -> caller.isPlatformAdmin()
					? this.catalog.endpointsOf(id).collectList().map((endpoints) -> ModelResponse.from(model, endpoints))
					: Mono.just(ModelResponse.from(model)))
			.switchIfEmpty(Mono.error(() -> Problems.notFound("model " + id)));
	}

	private static <T> Page<T> whole(List<T> all, Function<T, String> id) {
		return new Page<>("list", all, false, all.isEmpty() ? null : id.apply(all.get(0)),
				all.isEmpty() ? null : id.apply(all.get(all.size() - 1)));
	}

}

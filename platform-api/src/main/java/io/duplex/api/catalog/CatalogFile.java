package io.duplex.api.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ClassPathResource;

import io.duplex.core.web.FieldError;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The catalog shipped in the jar ({@code catalog.yaml}): the entries a fresh database starts
 * with. Its entries have the same shape as the admin API's request bodies.
 */
record CatalogFile(List<RegionDefinition> regions, List<ComputePoolDefinition> compute,
		List<ModelDefinition> models) {

	static final String LOCATION = "catalog.yaml";

	private static final YAMLMapper yaml = YAMLMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	CatalogFile {
		regions = (regions != null) ? List.copyOf(regions) : List.of();
		compute = (compute != null) ? List.copyOf(compute) : List.of();
		models = (models != null) ? List.copyOf(models) : List.of();
	}

	/** Reads the file from the classpath; fails when it is missing or not shaped like a catalog. */
	static CatalogFile load() {
		try (InputStream in = new ClassPathResource(LOCATION).getInputStream()) {
			return yaml.readValue(in, CatalogFile.class);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + LOCATION, ex);
		}
	}

	/**
	 * Every problem of the file: invalid entries and references to regions or pools the file does
	 * not define, each named by its path in the file. Empty when the file is sound.
	 */
	List<FieldError> problems() {
		List<FieldError> problems = new ArrayList<>();
		Set<String> regionIds = this.regions.stream().map(RegionDefinition::id).collect(Collectors.toSet());
		for (int i = 0; i < this.regions.size(); i++) {
			prefixed(problems, "regions[" + i + "].", CatalogValidator.region(this.regions.get(i), null));
		}
		for (int i = 0; i < this.compute.size(); i++) {
			ComputePoolDefinition pool = this.compute.get(i);
			prefixed(problems, "compute[" + i + "].", CatalogValidator.pool(pool, null, null));
			if (!regionIds.contains(pool.region())) {
				problems.add(new FieldError("compute[" + i + "].region", "no such region in the file"));
			}
		}
		Set<String> modelIds = this.models.stream().map(ModelDefinition::id).collect(Collectors.toSet());
		for (int i = 0; i < this.models.size(); i++) {
			ModelDefinition model = this.models.get(i);
			List<FieldError> own = CatalogValidator.model(model, null);
			prefixed(problems, "models[" + i + "].", own);
			if (own.isEmpty()) {
				for (String region : model.regions()) {
					boolean placed = this.compute.stream()
						.anyMatch((pool) -> region.equals(pool.region()) && model.compute().contains(pool.id()));
					if (!placed) {
						problems.add(new FieldError("models[" + i + "].regions",
								"none of the model's compute pools is in region " + region));
					}
				}
				if (model.imitates() != null && !modelIds.contains(model.imitates())) {
					problems.add(new FieldError("models[" + i + "].imitates", "no such model in the file"));
				}
				for (ModelDefinition.EndpointSpec endpoint : model.endpoints()) {
					if (endpoint.apiKey() != null) {
						problems.add(new FieldError("models[" + i + "]." + endpoint.field() + "api_key",
								"keys do not belong in a file in the jar; set them with the admin API"));
					}
				}
				for (String scope : model.overrides().keySet()) {
					int slash = scope.indexOf('/');
					if (slash > 0 && this.compute.stream()
						.noneMatch((pool) -> scope.equals(key(pool.region(), pool.id())))) {
						problems.add(new FieldError("models[" + i + "].endpoints_by_compute." + scope,
								"no such compute pool in the file"));
					}
				}
			}
		}
		return problems;
	}

	/** The endpoints of a seeded model: the file holds no keys, so there is nothing to seal. */
	static List<ModelEndpoint> endpoints(ModelDefinition model) {
		return model.endpoints()
			.stream()
			.map((spec) -> new ModelEndpoint(model.id(), spec.scope(), spec.stage(), spec.baseUrl(), spec.model(), null,
					spec.azureApiVersion()))
			.toList();
	}

	private static void prefixed(List<FieldError> into, String prefix, List<FieldError> errors) {
		errors.forEach((error) -> into.add(new FieldError(prefix + error.field(), error.message())));
	}

	/** The pool's key {@code region/id}, for the seed bookkeeping. */
	static String key(@Nullable String region, @Nullable String id) {
		return region + "/" + id;
	}

}

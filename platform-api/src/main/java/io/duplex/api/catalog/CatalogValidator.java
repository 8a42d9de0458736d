package io.duplex.api.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.duplex.core.web.FieldError;

/**
 * Checks the shape of catalog definitions (ids, enumerations, ranges, prices), the same for an
 * admin's request and for {@code catalog.yaml}. Whether referenced entries exist is the
 * service's business: that needs the database.
 */
final class CatalogValidator {

	static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

	static final Pattern VOICE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	static final Set<String> PROVIDERS = Set.of("sandbox", "openai", "cascade");

	static final Set<String> MODEL_KINDS = Set.of("realtime", "cascade", "sandbox");

	static final Set<String> POOL_KINDS = Set.of(ComputePool.SHARED_CPU, ComputePool.GPU, ComputePool.PROVIDER_HOSTED);

	static final Set<String> MODALITIES = Set.of("text", "audio");

	static final Set<String> REGION_STATUSES = Set.of(Region.AVAILABLE, Region.UNAVAILABLE);

	/** The largest value a {@code numeric(12,6)} column holds. */
	static final BigDecimal MAX_PRICE = new BigDecimal("999999.999999");

	private static final int MAX_LIST = 64;

	private CatalogValidator() {
	}

	/** {@code pathId} is the id in the URL of a replace, {@code null} for a create. */
	static List<FieldError> region(RegionDefinition region, @Nullable String pathId) {
		List<FieldError> errors = new ArrayList<>();
		identity(errors, "id", region.id(), pathId);
		text(errors, "name", region.name(), 128);
		if (region.status() != null && !REGION_STATUSES.contains(region.status())) {
			errors.add(new FieldError("status", "must be available or unavailable"));
		}
		return errors;
	}

	/** {@code pathRegion} and {@code pathId} come from the URL of a replace, {@code null} for a create. */
	static List<FieldError> pool(ComputePoolDefinition pool, @Nullable String pathRegion, @Nullable String pathId) {
		List<FieldError> errors = new ArrayList<>();
		identity(errors, "region", pool.region(), pathRegion);
		identity(errors, "id", pool.id(), pathId);
		id(errors, "accelerator", pool.accelerator());
		if (pool.kind() == null || !POOL_KINDS.contains(pool.kind())) {
			errors.add(new FieldError("kind", "must be shared-cpu, gpu or provider-hosted"));
		}
		range(errors, "max_concurrent_sessions", pool.maxConcurrentSessions(), 0, 1_000_000);
		price(errors, "price_per_minute", pool.pricePerMinute());
		if (pool.description() != null && pool.description().length() > 1024) {
			errors.add(new FieldError("description", "must be at most 1024 characters"));
		}
		return errors;
	}

	/** {@code pathId} is the id in the URL of a replace, {@code null} for a create. */
	static List<FieldError> model(ModelDefinition model, @Nullable String pathId) {
		List<FieldError> errors = new ArrayList<>();
		identity(errors, "id", model.id(), pathId);
		if (model.provider() == null || !PROVIDERS.contains(model.provider())) {
			errors.add(new FieldError("provider", "must be sandbox, openai or cascade"));
		}
		if (model.kind() == null || !MODEL_KINDS.contains(model.kind())) {
			errors.add(new FieldError("kind", "must be realtime, cascade or sandbox"));
		}
		text(errors, "display_name", model.displayName(), 128);
		range(errors, "context_window", model.contextWindow(), 1, 10_000_000);
		// rollover needs room before the limit: agents roll over 5 s in at the earliest and 30 s before it at the latest
		range(errors, "max_session_seconds", model.maxSessionSeconds(), 60, 86_400);
		range(errors, "input_audio_tokens_per_second", model.inputAudioTokensPerSecond(), 1, 1000);
		range(errors, "output_audio_tokens_per_second", model.outputAudioTokensPerSecond(), 1, 1000);
		list(errors, "modalities", model.modalities(), (value) -> MODALITIES.contains(value), "must be text or audio");
		boolean speaks = model.modalities() != null && model.modalities().contains("audio");
		if (speaks || (model.voices() != null && !model.voices().isEmpty())) {
			list(errors, "voices", model.voices(), (value) -> VOICE.matcher(value).matches(),
					"must be 1 to 64 letters, digits, '.', '_' or '-'");
		}
		list(errors, "regions", model.regions(), (value) -> ID.matcher(value).matches(), "is not a valid id");
		list(errors, "compute", model.compute(), (value) -> ID.matcher(value).matches(), "is not a valid id");
		ModelDefinition.PriceDefinition prices = model.pricePerMillionTokens();
		if (prices == null) {
			errors.add(new FieldError("price_per_million_tokens", "is required"));
		}
		else {
			String field = "price_per_million_tokens.";
			price(errors, field + "text_input", prices.textInput());
			price(errors, field + "text_cached_input", prices.textCachedInput());
			price(errors, field + "text_output", prices.textOutput());
			price(errors, field + "audio_input", prices.audioInput());
			price(errors, field + "audio_cached_input", prices.audioCachedInput());
			price(errors, field + "audio_output", prices.audioOutput());
		}
		if (model.imitates() != null) {
			if (!ID.matcher(model.imitates()).matches()) {
				errors.add(new FieldError("imitates", "is not a valid id"));
			}
			else if (model.imitates().equals(Objects.requireNonNullElse(pathId, model.id()))) {
				errors.add(new FieldError("imitates", "must name another model"));
			}
		}
		return errors;
	}

	/** A validated price at the catalog's scale; exact, since at most 6 decimals were allowed. */
	static BigDecimal money(@Nullable BigDecimal value) {
		return Objects.requireNonNull(value).setScale(Catalog.MONEY_SCALE, RoundingMode.UNNECESSARY);
	}

	private static void identity(List<FieldError> errors, String field, @Nullable String value,
			@Nullable String pathValue) {
		if (pathValue == null) {
			id(errors, field, value);
		}
		else if (value != null && !value.equals(pathValue)) {
			errors.add(new FieldError(field, "must match the path, or be left out"));
		}
	}

	private static void id(List<FieldError> errors, String field, @Nullable String value) {
		if (value == null) {
			errors.add(new FieldError(field, "is required"));
		}
		else if (!ID.matcher(value).matches()) {
			errors.add(new FieldError(field,
					"must be 1 to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"));
		}
	}

	private static void text(List<FieldError> errors, String field, @Nullable String value, int max) {
		if (value == null || value.isBlank()) {
			errors.add(new FieldError(field, "is required"));
		}
		else if (value.length() > max) {
			errors.add(new FieldError(field, "must be at most " + max + " characters"));
		}
	}

	private static void range(List<FieldError> errors, String field, @Nullable Integer value, int min, int max) {
		if (value == null) {
			errors.add(new FieldError(field, "is required"));
		}
		else if (value < min || value > max) {
			errors.add(new FieldError(field, "must be between " + min + " and " + max));
		}
	}

	private static void price(List<FieldError> errors, String field, @Nullable BigDecimal value) {
		if (value == null) {
			errors.add(new FieldError(field, "is required"));
		}
		else if (value.signum() < 0) {
			errors.add(new FieldError(field, "must not be negative"));
		}
		else if (value.stripTrailingZeros().scale() > Catalog.MONEY_SCALE) {
			errors.add(new FieldError(field, "must have at most " + Catalog.MONEY_SCALE + " decimal places"));
		}
		else if (value.compareTo(MAX_PRICE) > 0) {
			errors.add(new FieldError(field, "must be at most " + MAX_PRICE.toPlainString()));
		}
	}

	private static void list(List<FieldError> errors, String field, @Nullable List<String> values,
			Predicate<String> valid, String message) {
		if (values == null || values.isEmpty()) {
			errors.add(new FieldError(field, "must list at least one entry"));
			return;
		}
		if (values.size() > MAX_LIST) {
			errors.add(new FieldError(field, "must list at most " + MAX_LIST + " entries"));
			return;
		}
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < values.size(); i++) {
			String value = values.get(i);
			if (value == null || !valid.test(value)) {
				errors.add(new FieldError(field + "[" + i + "]", message));
			}
			else if (!seen.add(value)) {
				errors.add(new FieldError(field + "[" + i + "]", "is listed twice"));
			}
		}
	}

}

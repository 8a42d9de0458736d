package io.duplex.api.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.duplex.api.secret.ProviderApiKeys;
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

	/** An override's key: {@code gpu-l4} or {@code us-east/gpu-l4}. */
	static final Pattern SCOPE = Pattern.compile("(?:([a-z0-9][a-z0-9._-]{0,63})/)?([a-z0-9][a-z0-9._-]{0,63})");

	static final Set<String> REALTIME_SCHEMES = Set.of("ws", "wss");

	static final Set<String> HTTP_SCHEMES = Set.of("http", "https");

	/** Upstream model names such as {@code gpt-realtime}, {@code meta-llama/Llama-3.1-8B-Instruct}, {@code llama3.1:8b}. */
	private static final Pattern MODEL_NAME = Pattern.compile("[\\x21-\\x7E]{1,256}");

	private static final Pattern API_VERSION = Pattern.compile("[A-Za-z0-9.-]{1,64}");

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
		upstreams(errors, model);
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

	/**
	 * The upstream fields fit the provider: an {@code openai} model may name a realtime endpoint
	 * ({@code ws}/{@code wss}); a {@code cascade} model names its stages ({@code http}/{@code https}) on
	 * the model, and overrides replace them stage by stage; a {@code sandbox} model names none. Overrides
	 * must name a pool (and region) the model lists.
	 */
	private static void upstreams(List<FieldError> errors, ModelDefinition model) {
		String provider = Objects.requireNonNullElse(model.provider(), "");
		ModelDefinition.UpstreamDefinition own = model.ownUpstream();
		boolean speaks = model.modalities() != null && model.modalities().contains("audio");
		upstream(errors, "", provider, own, true, speaks);
		Map<String, ModelDefinition.UpstreamDefinition> overrides = model.overrides();
		if (overrides.isEmpty()) {
			return;
		}
		if ("sandbox".equals(provider)) {
			errors.add(new FieldError("endpoints_by_compute", "is not used by sandbox models"));
			return;
		}
		if (overrides.size() > MAX_LIST) {
			errors.add(new FieldError("endpoints_by_compute", "must have at most " + MAX_LIST + " entries"));
			return;
		}
		for (Map.Entry<String, ModelDefinition.UpstreamDefinition> entry : overrides.entrySet()) {
			String scope = entry.getKey();
			String field = "endpoints_by_compute." + scope;
			Matcher matcher = SCOPE.matcher(scope);
			if (!matcher.matches()) {
				errors.add(new FieldError(field, "must be keyed by a compute pool id or region/pool"));
				continue;
			}
			String region = matcher.group(1);
			if (model.compute() != null && !model.compute().contains(matcher.group(2))) {
				errors.add(new FieldError(field, "names a compute pool the model does not list in compute"));
			}
			if (region != null && model.regions() != null && !model.regions().contains(region)) {
				errors.add(new FieldError(field, "names a region the model does not list in regions"));
			}
			if (entry.getValue() == null) {
				errors.add(new FieldError(field, "must be an object"));
				continue;
			}
			upstream(errors, field + ".", provider, entry.getValue(), false, speaks);
		}
	}

	/**
	 * {@code own}: the model's own upstream, where a cascade model must name its chat stage, and
	 * its transcription and speech stages too when it {@code speaks} (lists the audio modality).
	 */
	private static void upstream(List<FieldError> errors, String prefix, String provider,
			ModelDefinition.UpstreamDefinition upstream, boolean own, boolean speaks) {
		if (!PROVIDERS.contains(provider)) {
			// the provider itself is reported; which fields it takes is unknown
			return;
		}
		if ("sandbox".equals(provider)) {
			realtimeFields(upstream).forEach((field) -> errors.add(new FieldError(prefix + field,
					"is not used by sandbox models")));
			ModelEndpoint.CASCADE_STAGES.stream()
				.filter((stage) -> upstream.stage(stage) != null)
				.forEach((stage) -> errors.add(new FieldError(prefix + stage, "is not used by sandbox models")));
			return;
		}
		if ("openai".equals(provider)) {
			ModelEndpoint.CASCADE_STAGES.stream()
				.filter((stage) -> upstream.stage(stage) != null)
				.forEach((stage) -> errors.add(new FieldError(prefix + stage,
						"is for cascade models; an openai model sets base_url, api_key, upstream_model")));
			if (!own && !upstream.setsRealtime()) {
				errors.add(new FieldError(prefix + "base_url", "is required"));
				return;
			}
			if (upstream.setsRealtime()) {
				url(errors, prefix + "base_url", upstream.baseUrl(), REALTIME_SCHEMES);
				apiKey(errors, prefix + "api_key", upstream.apiKey());
				token(errors, prefix + "upstream_model", upstream.upstreamModel(), MODEL_NAME,
						"must be 1 to 256 printable characters without spaces");
				token(errors, prefix + "azure_api_version", upstream.azureApiVersion(), API_VERSION,
						"must be 1 to 64 letters, digits, '.' or '-'");
				if (upstream.azureApiVersion() != null && upstream.upstreamModel() == null) {
					errors.add(new FieldError(prefix + "upstream_model",
							"is required with azure_api_version: it names the Azure deployment"));
				}
			}
			return;
		}
		realtimeFields(upstream).forEach((field) -> errors.add(new FieldError(prefix + field,
				"is for openai models; a cascade model sets transcription, chat and speech")));
		if (!own && !upstream.setsStages()) {
			errors.add(new FieldError(prefix.substring(0, prefix.length() - 1),
					"must set at least one of transcription, chat, speech"));
		}
		for (String stage : ModelEndpoint.CASCADE_STAGES) {
			ModelDefinition.StageDefinition definition = upstream.stage(stage);
			String field = prefix + stage;
			if (definition == null) {
				if (own && ModelEndpoint.CHAT.equals(stage)) {
					errors.add(new FieldError(field, "is required for a cascade model"));
				}
				else if (own && speaks) {
					errors.add(new FieldError(field, "is required for a cascade model with audio"));
				}
				continue;
			}
			url(errors, field + ".base_url", definition.baseUrl(), HTTP_SCHEMES);
			if (definition.model() == null) {
				errors.add(new FieldError(field + ".model", "is required"));
			}
			token(errors, field + ".model", definition.model(), MODEL_NAME,
					"must be 1 to 256 printable characters without spaces");
			apiKey(errors, field + ".api_key", definition.apiKey());
		}
	}

	private static List<String> realtimeFields(ModelDefinition.UpstreamDefinition upstream) {
		List<String> fields = new ArrayList<>();
		if (upstream.baseUrl() != null) {
			fields.add("base_url");
		}
		if (upstream.apiKey() != null) {
			fields.add("api_key");
		}
		if (upstream.upstreamModel() != null) {
			fields.add("upstream_model");
		}
		if (upstream.azureApiVersion() != null) {
			fields.add("azure_api_version");
		}
		return fields;
	}

	/**
	 * An absolute URL of one of {@code schemes} with a host, and without credentials (they would
	 * be logged with the URL: keys go in {@code api_key}), query or fragment (the provider adds
	 * the query).
	 */
	private static void url(List<FieldError> errors, String field, @Nullable String value, Set<String> schemes) {
		String expected = "must be an absolute " + String.join(" or ", new TreeSet<>(schemes)) + " URL";
		if (value == null || value.isBlank()) {
			errors.add(new FieldError(field, "is required"));
			return;
		}
		if (value.length() > 2048) {
			errors.add(new FieldError(field, "must be at most 2048 characters"));
			return;
		}
		URI uri;
		try {
			uri = new URI(value);
		}
		catch (URISyntaxException ex) {
			errors.add(new FieldError(field, expected));
			return;
		}
		if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))
				|| uri.getHost() == null) {
			errors.add(new FieldError(field, expected));
		}
		else if (uri.getRawUserInfo() != null) {
			errors.add(new FieldError(field, "must not carry credentials; send the key as api_key"));
		}
		else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
			errors.add(new FieldError(field, "must not have a query or fragment"));
		}
	}

	/** {@code ""} means no key; anything else must look like a key. The message never quotes it. */
	private static void apiKey(List<FieldError> errors, String field, @Nullable String value) {
		if (value == null || value.isEmpty()) {
			return;
		}
		String problem = ProviderApiKeys.problem(value);
		if (problem != null) {
			errors.add(new FieldError(field, problem));
		}
	}

	private static void token(List<FieldError> errors, String field, @Nullable String value, Pattern pattern,
			String message) {
		if (value != null && !pattern.matcher(value).matches()) {
			errors.add(new FieldError(field, message));
		}
	}

	/** The URL without trailing slashes, so that the provider can append paths to it. */
	static String trimUrl(String url) {
		String trimmed = url.strip();
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		return trimmed;
	}

	/** The origin (scheme, host, port) of a URL: a stored key follows its endpoint only within one. */
	static String origin(String url) {
		URI uri = URI.create(url);
		return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":"
				+ uri.getPort();
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

package io.duplex.api.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;

/**
 * A model on the wire. Prices are USD per one million tokens as decimal strings with exactly six
 * decimal places (e.g. {@code "4.000000"}), never JSON numbers, so that no client rounds them
 * through a binary float.
 * <p>
 * The upstream fields ({@code base_url}, {@code upstream_model}, {@code azure_api_version},
 * {@code api_key_set}, {@code transcription}, {@code chat}, {@code speech},
 * {@code endpoints_by_compute}) are the platform's infrastructure: only platform admins see them,
 * and they are left out for everyone else. API keys are never in an answer; {@code api_key_set}
 * says whether one is stored.
 */
record ModelResponse(String id, String object, String provider, String kind, String displayName, int contextWindow,
		int maxSessionSeconds, int inputAudioTokensPerSecond, int outputAudioTokensPerSecond, List<String> modalities,
		List<String> voices, List<String> regions, List<String> compute, PriceList pricePerMillionTokens,
		@Nullable String imitates, @JsonInclude(Include.NON_NULL) @Nullable String baseUrl,
		@JsonInclude(Include.NON_NULL) @Nullable String upstreamModel,
		@JsonInclude(Include.NON_NULL) @Nullable String azureApiVersion,
		@JsonInclude(Include.NON_NULL) @Nullable Boolean apiKeySet,
		@JsonInclude(Include.NON_NULL) @Nullable StageResponse transcription,
		@JsonInclude(Include.NON_NULL) @Nullable StageResponse chat,
		@JsonInclude(Include.NON_NULL) @Nullable StageResponse speech,
		@JsonInclude(Include.NON_NULL) @Nullable Map<String, UpstreamResponse> endpointsByCompute) {

	/** List prices in USD per one million tokens. */
	record PriceList(String textInput, String textCachedInput, String textOutput, String audioInput,
			String audioCachedInput, String audioOutput) {
	}

	/** One stage of a cascade model, without its key. */
	record StageResponse(String baseUrl, @Nullable String model, boolean apiKeySet) {
	}

	/** An override of the model's upstream on a compute pool, shaped like the model's own fields. */
	record UpstreamResponse(@JsonInclude(Include.NON_NULL) @Nullable String baseUrl,
			@JsonInclude(Include.NON_NULL) @Nullable String upstreamModel,
			@JsonInclude(Include.NON_NULL) @Nullable String azureApiVersion,
			@JsonInclude(Include.NON_NULL) @Nullable Boolean apiKeySet,
			@JsonInclude(Include.NON_NULL) @Nullable StageResponse transcription,
			@JsonInclude(Include.NON_NULL) @Nullable StageResponse chat,
			@JsonInclude(Include.NON_NULL) @Nullable StageResponse speech) {

		static UpstreamResponse of(List<ModelEndpoint> endpoints) {
			ModelEndpoint realtime = find(endpoints, ModelEndpoint.REALTIME);
			return new UpstreamResponse((realtime != null) ? realtime.baseUrl() : null,
					(realtime != null) ? realtime.model() : null,
					(realtime != null) ? realtime.azureApiVersion() : null,
					(realtime != null) ? realtime.apiKey() != null : null,
					stage(find(endpoints, ModelEndpoint.TRANSCRIPTION)), stage(find(endpoints, ModelEndpoint.CHAT)),
					stage(find(endpoints, ModelEndpoint.SPEECH)));
		}

		private static @Nullable ModelEndpoint find(List<ModelEndpoint> endpoints, String stage) {
			return endpoints.stream().filter((endpoint) -> endpoint.stage().equals(stage)).findFirst().orElse(null);
		}

		private static @Nullable StageResponse stage(@Nullable ModelEndpoint endpoint) {
			return (endpoint != null) ? new StageResponse(endpoint.baseUrl(), endpoint.model(), endpoint.apiKey() != null)
					: null;
		}

	}

	/** The model as anybody but a platform admin sees it: without its upstream. */
	static ModelResponse from(Model model) {
		return of(model, new UpstreamResponse(null, null, null, null, null, null, null), null);
	}

	/**
	 * The model as a platform admin sees it, with its upstream (but never a key); the override
	 * map is there, maybe empty, for every model but the sandbox.
	 */
	static ModelResponse from(Model model, List<ModelEndpoint> endpoints) {
		Map<String, UpstreamResponse> overrides = null;
		if (!"sandbox".equals(model.provider())) {
			Map<String, List<ModelEndpoint>> byScope = new TreeMap<>();
			endpoints.stream()
				.filter((endpoint) -> !endpoint.scope().equals(ModelEndpoint.MODEL))
				.forEach((endpoint) -> byScope.computeIfAbsent(endpoint.scope(), (scope) -> new ArrayList<>())
					.add(endpoint));
			overrides = new TreeMap<>();
			for (Map.Entry<String, List<ModelEndpoint>> entry : byScope.entrySet()) {
				overrides.put(entry.getKey(), UpstreamResponse.of(entry.getValue()));
			}
		}
		List<ModelEndpoint> own = endpoints.stream()
			.filter((endpoint) -> endpoint.scope().equals(ModelEndpoint.MODEL))
			.toList();
		return of(model, UpstreamResponse.of(own), overrides);
	}

	private static ModelResponse of(Model model, UpstreamResponse own,
			@Nullable Map<String, UpstreamResponse> overrides) {
		ModelPrices p = model.prices();
		PriceList prices = new PriceList(money(p.textInput()), money(p.textCachedInput()), money(p.textOutput()),
				money(p.audioInput()), money(p.audioCachedInput()), money(p.audioOutput()));
		return new ModelResponse(model.id(), "model", model.provider(), model.kind(), model.displayName(),
				model.contextWindow(), model.maxSessionSeconds(), model.inputAudioTokensPerSecond(),
				model.outputAudioTokensPerSecond(), model.modalities(), model.voices(), model.regions(), model.compute(),
				prices, model.imitates(), own.baseUrl(), own.upstreamModel(), own.azureApiVersion(), own.apiKeySet(),
				own.transcription(), own.chat(), own.speech(), overrides);
	}

	/** Stored prices have scale 6 already; this pins the text form, e.g. {@code 0.400000}. */
	static String money(BigDecimal value) {
		return value.setScale(Catalog.MONEY_SCALE, RoundingMode.UNNECESSARY).toPlainString();
	}

}

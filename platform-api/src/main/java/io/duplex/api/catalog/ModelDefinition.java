package io.duplex.api.catalog;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import io.duplex.api.secret.ApiKeyDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * A model as an admin writes it (and as {@code catalog.yaml} lists it); missing fields are
 * reported by {@link CatalogValidator}. Field meanings are those of {@link Model}; the upstream
 * fields are those of {@link UpstreamDefinition}, for the model as a whole.
 * @param id required on create; on replace it may be left out, and must match the path if given
 * @param pricePerMillionTokens list prices in USD per one million tokens
 * @param endpointsByCompute upstreams that replace the model's own where a session runs on a
 * compute pool: keyed by pool id ({@code gpu-l4}, in every region) or {@code region/pool}
 * ({@code us-east/gpu-l4}); per stage, the most specific one wins
 */
record ModelDefinition(@Nullable String id, @Nullable String provider, @Nullable String kind,
		@Nullable String displayName, @Nullable Integer contextWindow, @Nullable Integer maxSessionSeconds,
		@Nullable Integer inputAudioTokensPerSecond, @Nullable Integer outputAudioTokensPerSecond,
		@Nullable List<String> modalities, @Nullable List<String> voices, @Nullable List<String> regions,
		@Nullable List<String> compute, @Nullable PriceDefinition pricePerMillionTokens, @Nullable String imitates,
		@Nullable String baseUrl, @JsonDeserialize(using = ApiKeyDeserializer.class) @Nullable String apiKey,
		@Nullable String upstreamModel, @Nullable String azureApiVersion, @Nullable StageDefinition transcription,
		@Nullable StageDefinition chat, @Nullable StageDefinition speech,
		@Nullable Map<String, UpstreamDefinition> endpointsByCompute) {

	/**
	 * List prices in USD per one million tokens, each at most 6 decimal places; JSON strings or
	 * numbers.
	 */
	record PriceDefinition(@Nullable BigDecimal textInput, @Nullable BigDecimal textCachedInput,
			@Nullable BigDecimal textOutput, @Nullable BigDecimal audioInput, @Nullable BigDecimal audioCachedInput,
			@Nullable BigDecimal audioOutput) {
	}

	/**
	 * Where a model runs, as written: for an {@code openai} model the realtime WebSocket
	 * ({@code base_url}, {@code api_key}, {@code upstream_model}, {@code azure_api_version}); for a
	 * {@code cascade} model its three stages.
	 * @param baseUrl {@code ws://} or {@code wss://}, e.g. {@code wss://api.openai.com/v1/realtime}
	 * @param apiKey write-only. On create, the key to send ({@code null} or {@code ""}: the
	 * provider's configured key). On replace, {@code null} keeps the stored key of the same
	 * endpoint, {@code ""} removes it
	 * @param upstreamModel the upstream's model name; with {@code azure_api_version}, the deployment
	 * @param azureApiVersion selects the Azure OpenAI form ({@code api-key} header, {@code api-version} query)
	 */
	record UpstreamDefinition(@Nullable String baseUrl,
			@JsonDeserialize(using = ApiKeyDeserializer.class) @Nullable String apiKey, @Nullable String upstreamModel,
			@Nullable String azureApiVersion, @Nullable StageDefinition transcription, @Nullable StageDefinition chat,
			@Nullable StageDefinition speech) {

		boolean setsRealtime() {
			return this.baseUrl != null || this.apiKey != null || this.upstreamModel != null
					|| this.azureApiVersion != null;
		}

		boolean setsStages() {
			return this.transcription != null || this.chat != null || this.speech != null;
		}

		@Nullable StageDefinition stage(String stage) {
			return switch (stage) {
				case ModelEndpoint.TRANSCRIPTION -> this.transcription;
				case ModelEndpoint.CHAT -> this.chat;
				case ModelEndpoint.SPEECH -> this.speech;
				default -> throw new IllegalArgumentException(stage);
			};
		}

		/** Keeps the API key out of logs. */
		@Override
		public String toString() {
			return "UpstreamDefinition[baseUrl=" + this.baseUrl + ", apiKey=" + EndpointSpec.redacted(this.apiKey)
					+ ", upstreamModel=" + this.upstreamModel + ", azureApiVersion=" + this.azureApiVersion
					+ ", transcription=" + this.transcription + ", chat=" + this.chat + ", speech=" + this.speech + "]";
		}

	}

	/**
	 * One stage of a cascade model: an OpenAI-compatible HTTP API.
	 * @param baseUrl {@code http://} or {@code https://}, the API root such as {@code http://10.0.0.5:8000/v1}
	 * @param model the model name the server knows
	 * @param apiKey write-only, as {@link UpstreamDefinition#apiKey()}
	 */
	record StageDefinition(@Nullable String baseUrl, @Nullable String model,
			@JsonDeserialize(using = ApiKeyDeserializer.class) @Nullable String apiKey) {

		/** Keeps the API key out of logs. */
		@Override
		public String toString() {
			return "StageDefinition[baseUrl=" + this.baseUrl + ", model=" + this.model + ", apiKey="
					+ EndpointSpec.redacted(this.apiKey) + "]";
		}

	}

	/**
	 * An endpoint as written, its key in clear until sealed.
	 * @param field the request's path to the endpoint's fields, e.g. {@code chat.} or
	 * {@code endpoints_by_compute.gpu-l4.}, for error messages
	 * @param apiKey {@code null}: keep the stored one (replace) or none (create); {@code ""}: none
	 */
	record EndpointSpec(String scope, String stage, String field, String baseUrl, @Nullable String model,
			@Nullable String apiKey, @Nullable String azureApiVersion) {

		static String redacted(@Nullable String key) {
			return (key == null) ? "null" : key.isEmpty() ? "\"\"" : "(set)";
		}

		/** Keeps the API key out of logs. */
		@Override
		public String toString() {
			return "EndpointSpec[scope=" + this.scope + ", stage=" + this.stage + ", baseUrl=" + this.baseUrl
					+ ", model=" + this.model + ", apiKey=" + redacted(this.apiKey) + ", azureApiVersion="
					+ this.azureApiVersion + "]";
		}

	}

	/** The model-wide upstream fields, in the shape of an override. */
	UpstreamDefinition ownUpstream() {
		return new UpstreamDefinition(this.baseUrl, this.apiKey, this.upstreamModel, this.azureApiVersion,
				this.transcription, this.chat, this.speech);
	}

	Map<String, UpstreamDefinition> overrides() {
		return (this.endpointsByCompute != null) ? new TreeMap<>(this.endpointsByCompute) : Map.of();
	}

	/** The endpoints this definition sets, for a valid definition: the model's own first, then each override. */
	List<EndpointSpec> endpoints() {
		List<EndpointSpec> endpoints = new ArrayList<>();
		add(endpoints, ModelEndpoint.MODEL, "", ownUpstream());
		overrides().forEach((scope, upstream) -> add(endpoints, scope, "endpoints_by_compute." + scope + ".", upstream));
		return endpoints;
	}

	private static void add(List<EndpointSpec> into, String scope, String field, UpstreamDefinition upstream) {
		if (upstream.baseUrl() != null) {
			into.add(new EndpointSpec(scope, ModelEndpoint.REALTIME, field, CatalogValidator.trimUrl(upstream.baseUrl()),
					upstream.upstreamModel(), upstream.apiKey(), upstream.azureApiVersion()));
		}
		for (String stage : ModelEndpoint.CASCADE_STAGES) {
			StageDefinition definition = upstream.stage(stage);
			if (definition != null && definition.baseUrl() != null) {
				into.add(new EndpointSpec(scope, stage, field + stage + ".", CatalogValidator.trimUrl(definition.baseUrl()),
						definition.model(), definition.apiKey(), null));
			}
		}
	}

	Model toModel(String id) {
		PriceDefinition p = this.pricePerMillionTokens;
		ModelPrices prices = new ModelPrices(CatalogValidator.money(p.textInput()),
				CatalogValidator.money(p.textCachedInput()), CatalogValidator.money(p.textOutput()),
				CatalogValidator.money(p.audioInput()), CatalogValidator.money(p.audioCachedInput()),
				CatalogValidator.money(p.audioOutput()));
		return new Model(id, this.provider, this.kind, this.displayName.strip(), this.contextWindow,
				this.maxSessionSeconds, this.inputAudioTokensPerSecond, this.outputAudioTokensPerSecond,
				this.modalities, (this.voices != null) ? this.voices : List.of(), this.regions, this.compute, prices,
				this.imitates);
	}

	/** Names the model only: the definition may carry API keys. */
	@Override
	public String toString() {
		return "ModelDefinition[id=" + this.id + ", provider=" + this.provider + ", upstream=" + ownUpstream()
				+ ", endpointsByCompute=" + this.endpointsByCompute + "]";
	}

}

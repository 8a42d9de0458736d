package io.duplex.api.catalog;

import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.duplex.api.secret.SealedSecret;

/**
 * One upstream endpoint of a model, as stored: the API key stays sealed until a session needs it.
 * @param modelId the model's id
 * @param scope {@link #MODEL} for the model's own endpoint; a compute pool id ({@code gpu-l4}) or
 * {@code region/pool} ({@code us-east/gpu-l4}) for an override that applies there
 * @param stage {@link #REALTIME} for an {@code openai} model; {@link #TRANSCRIPTION}, {@link #CHAT}
 * or {@link #SPEECH} for a {@code cascade} model
 * @param baseUrl the API root, without a trailing slash
 * @param model the model name the upstream knows (Azure: the deployment); {@code null}: the
 * provider's default
 * @param apiKey the sealed key; {@code null} when the endpoint takes the provider's configured
 * key, or needs none
 * @param azureApiVersion set for the Azure OpenAI form
 */
record ModelEndpoint(String modelId, String scope, String stage, String baseUrl, @Nullable String model,
		@Nullable SealedSecret apiKey, @Nullable String azureApiVersion) {

	static final String MODEL = "";

	static final String REALTIME = "realtime";

	static final String TRANSCRIPTION = "transcription";

	static final String CHAT = "chat";

	static final String SPEECH = "speech";

	static final List<String> CASCADE_STAGES = List.of(TRANSCRIPTION, CHAT, SPEECH);

	/** Stored rows in a stable order: the model's own first, then overrides by scope, stages in pipeline order. */
	static final Comparator<ModelEndpoint> ORDER = Comparator.comparing(ModelEndpoint::modelId)
		.thenComparing(ModelEndpoint::scope)
		.thenComparing((endpoint) -> stageOrder(endpoint.stage()));

	/**
	 * What the sealed key is bound to (the GCM associated data): a key copied into another row, of
	 * this model or another, does not open.
	 */
	String context() {
		return context(this.modelId, this.scope, this.stage);
	}

	static String context(String modelId, String scope, String stage) {
		return "model_endpoint/" + modelId + "/" + scope + "/" + stage;
	}

	/**
	 * How specific the scope is for a session in {@code region} on {@code pool}: 2 for
	 * {@code region/pool}, 1 for the pool alone, 0 for the model's own; -1 when it does not apply.
	 */
	int specificity(String region, String pool) {
		if (this.scope.equals(region + "/" + pool)) {
			return 2;
		}
		if (this.scope.equals(pool)) {
			return 1;
		}
		return this.scope.equals(MODEL) ? 0 : -1;
	}

	private static int stageOrder(String stage) {
		return REALTIME.equals(stage) ? 0 : 1 + CASCADE_STAGES.indexOf(stage);
	}

}

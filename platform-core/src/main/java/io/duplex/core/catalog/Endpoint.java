package io.duplex.core.catalog;

import org.jspecify.annotations.Nullable;

/**
 * An upstream API a model's inference runs on.
 * @param baseUrl the API root, e.g. {@code wss://api.openai.com/v1/realtime} for a realtime model,
 * {@code http://10.0.0.5:8000/v1} for an OpenAI-compatible HTTP server
 * @param model the model name the upstream knows (for Azure OpenAI: the deployment)
 * @param apiKey the key to send, decrypted; {@code null} when the upstream needs none or the
 * provider's configured key applies. Never logged.
 * @param azureApiVersion set for the Azure OpenAI form ({@code api-key} header, {@code api-version}
 * query, deployment in place of the model)
 */
public record Endpoint(String baseUrl, @Nullable String model, @Nullable String apiKey,
		@Nullable String azureApiVersion) {

	/** The same endpoint sending {@code key} instead. */
	public Endpoint withApiKey(@Nullable String key) {
		return new Endpoint(this.baseUrl, this.model, key, this.azureApiVersion);
	}

	/** Keeps the key out of logs and error messages. */
	@Override
	public String toString() {
		return "Endpoint[baseUrl=" + this.baseUrl + ", model=" + this.model + ", apiKey="
				+ ((this.apiKey != null) ? "(set)" : "(none)") + ", azureApiVersion=" + this.azureApiVersion + "]";
	}

}

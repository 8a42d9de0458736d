package io.duplex.session.openai;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where and how the {@code openai} provider reaches its upstream.
 * @param baseUrl the realtime WebSocket endpoint, without query
 * @param apiKey the platform-wide key; never logged
 * @param connectTimeout how long connecting, and then the upstream's handshake, may each take
 * @param azureDeployment with {@code azureApiVersion}: connect in the Azure OpenAI form
 * @param azureApiVersion the Azure OpenAI {@code api-version}
 * @param transcriptionModel the model that transcribes the user's audio turns when asked to
 * @param models upstream model names by catalog model id, where they differ
 * @param firstByteTimeout how long a response may take to produce its first output (an output
 * item, a delta, or its end) before it is failed with {@code upstream_timeout}
 */
@ConfigurationProperties("duplex.providers.openai")
record OpenAiProperties(@DefaultValue("wss://api.openai.com/v1/realtime") URI baseUrl, @Nullable String apiKey,
		@DefaultValue("5s") Duration connectTimeout, @Nullable String azureDeployment,
		@Nullable String azureApiVersion, @DefaultValue("gpt-4o-mini-transcribe") String transcriptionModel,
		@Nullable Map<String, String> models, @DefaultValue("10s") Duration firstByteTimeout) {

	OpenAiProperties {
		models = (models != null) ? Map.copyOf(models) : Map.of();
	}

	/** Whether the Azure OpenAI form (deployment, api-version, {@code api-key} header) applies. */
	boolean azure() {
		return this.azureDeployment != null && this.azureApiVersion != null;
	}

	/** The upstream model for the catalog model {@code catalogId}. */
	String upstreamModel(String catalogId) {
		return this.models.getOrDefault(catalogId, catalogId);
	}

	/** Keeps the key out of logs and error messages. */
	@Override
	public String toString() {
		return "OpenAiProperties[baseUrl=" + this.baseUrl + ", apiKey=" + ((this.apiKey != null) ? "(set)" : "(none)")
				+ ", connectTimeout=" + this.connectTimeout + ", azureDeployment=" + this.azureDeployment
				+ ", azureApiVersion=" + this.azureApiVersion + ", models=" + this.models + ", firstByteTimeout="
				+ this.firstByteTimeout + "]";
	}

}

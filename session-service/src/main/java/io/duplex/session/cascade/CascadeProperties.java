package io.duplex.session.cascade;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.Positive;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import io.duplex.core.catalog.Endpoint;

/**
 * Where and how the {@code cascade} provider reaches its three stages when the catalog sets no
 * endpoint for them, and the limits of its HTTP calls.
 * @param apiKey the key of every stage that sets none of its own; never logged
 * @param transcription speech to text: {@code POST <base-url>/audio/transcriptions}
 * @param chat the chat model: {@code POST <base-url>/chat/completions}, streamed
 * @param speech text to speech: {@code POST <base-url>/audio/speech}, PCM out
 * @param voice the voice when the session names none
 * @param language the language of the user's speech (ISO-639-1) when known; unset lets the model detect it
 * @param connectTimeout how long a TCP (and TLS) connect may take
 * @param firstByteTimeout how long an upstream may take to start answering, and then the longest
 * silence between two reads of a streamed answer
 * @param connectRetries retries of a connect that failed (nothing was sent then, so nothing is
 * sent twice)
 * @param speechConcurrency sentences synthesised at once: the next sentence's audio is fetched
 * while the current one plays, and played in order
 * @param maxConnections connections to each upstream host, kept alive and shared by all sessions
 */
@Validated
@ConfigurationProperties("duplex.providers.cascade")
record CascadeProperties(@Nullable String apiKey, @DefaultValue Stage transcription, @DefaultValue Stage chat,
		@DefaultValue Stage speech, @DefaultValue("alloy") String voice, @Nullable String language,
		@DefaultValue("2s") Duration connectTimeout, @DefaultValue("10s") Duration firstByteTimeout,
		@DefaultValue("2") int connectRetries, @DefaultValue("2") @Positive int speechConcurrency,
		@DefaultValue("1000") @Positive int maxConnections) {

	private static final String OPENAI = "https://api.openai.com/v1";

	/**
	 * One stage's upstream.
	 * @param baseUrl the API root, e.g. {@code http://10.0.0.5:8000/v1}; the stage's path is appended
	 * @param model the model the upstream knows
	 * @param apiKey the stage's key, sent as {@code Authorization: Bearer …}; never logged
	 * @param azureApiVersion for Azure OpenAI: its {@code api-version} (the key then goes in an
	 * {@code api-key} header, and {@code baseUrl} is the deployment's root)
	 */
	record Stage(@Nullable URI baseUrl, @Nullable String model, @Nullable String apiKey,
			@Nullable String azureApiVersion) {

		/** Keeps the key out of logs. */
		@Override
		public String toString() {
			return "Stage[baseUrl=" + this.baseUrl + ", model=" + this.model + ", apiKey="
					+ ((this.apiKey != null) ? "(set)" : "(none)") + ", azureApiVersion=" + this.azureApiVersion + "]";
		}

	}

	/** The configured speech-to-text endpoint. */
	Endpoint transcriptionEndpoint() {
		return endpoint(this.transcription, "gpt-4o-mini-transcribe");
	}

	/** The configured chat endpoint. */
	Endpoint chatEndpoint() {
		return endpoint(this.chat, "gpt-4o-mini");
	}

	/** The configured text-to-speech endpoint. */
	Endpoint speechEndpoint() {
		return endpoint(this.speech, "gpt-4o-mini-tts");
	}

	private Endpoint endpoint(Stage stage, String defaultModel) {
		return new Endpoint((stage.baseUrl() != null) ? stage.baseUrl().toString() : OPENAI,
				(stage.model() != null) ? stage.model() : defaultModel,
				(stage.apiKey() != null) ? stage.apiKey() : this.apiKey, stage.azureApiVersion());
	}

	/** Keeps the keys out of logs. */
	@Override
	public String toString() {
		return "CascadeProperties[apiKey=" + ((this.apiKey != null) ? "(set)" : "(none)") + ", transcription="
				+ this.transcription + ", chat=" + this.chat + ", speech=" + this.speech + ", voice=" + this.voice
				+ ", connectTimeout=" + this.connectTimeout + ", firstByteTimeout=" + this.firstByteTimeout + "]";
	}

}

package io.duplex.core.catalog;

import org.jspecify.annotations.Nullable;

/**
 * Where a model runs: the realtime endpoint of an {@code openai} model, or the three stages of a
 * {@code cascade} model. A stage the catalog leaves unset falls back to the provider's
 * configuration.
 * @param realtime the speech-to-speech WebSocket ({@code openai})
 * @param transcription {@code POST /audio/transcriptions} ({@code cascade} speech to text)
 * @param chat {@code POST /chat/completions} ({@code cascade} LLM)
 * @param speech {@code POST /audio/speech} ({@code cascade} text to speech)
 */
public record ModelUpstream(@Nullable Endpoint realtime, @Nullable Endpoint transcription, @Nullable Endpoint chat,
		@Nullable Endpoint speech) {

	/** No endpoint from the catalog: everything comes from configuration. */
	public static final ModelUpstream NONE = new ModelUpstream(null, null, null, null);

}

package io.duplex.core.catalog;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a session needs to know about a model.
 * @param provider {@code sandbox}, {@code openai} or {@code cascade}
 * @param imitates for the sandbox, the model whose token rates and limits it follows
 */
public record ModelInfo(String id, String provider, String kind, int contextWindow, int maxSessionSeconds,
		int inputAudioTokensPerSecond, int outputAudioTokensPerSecond, List<String> modalities, List<String> voices,
		@Nullable String imitates) {
}

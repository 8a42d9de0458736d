package io.duplex.session.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Catalog entries tests add through {@code POST /v1/admin/models}. */
public final class TestModels {

	private static final List<String> PRICE_KINDS = List.of("text_input", "text_cached_input", "text_output",
			"audio_input", "audio_cached_input", "audio_output");

	private TestModels() {
	}

	/**
	 * A model of {@code provider} running only in {@code region}'s {@code pool}, 32k tokens of
	 * context, audio at 10 tokens a second in and 20 out, every token at {@code price} a million.
	 * The map is the caller's to add to (endpoints, stages).
	 */
	public static Map<String, Object> definition(String id, String provider, String kind, String displayName,
			int maxSessionSeconds, List<String> voices, String price, String region, String pool) {
		Map<String, Object> definition = new HashMap<>();
		definition.put("id", id);
		definition.put("provider", provider);
		definition.put("kind", kind);
		definition.put("display_name", displayName);
		definition.put("context_window", 32000);
		definition.put("max_session_seconds", maxSessionSeconds);
		definition.put("input_audio_tokens_per_second", 10);
		definition.put("output_audio_tokens_per_second", 20);
		definition.put("modalities", List.of("text", "audio"));
		definition.put("voices", voices);
		Map<String, String> prices = new HashMap<>();
		PRICE_KINDS.forEach((priceKind) -> prices.put(priceKind, price));
		definition.put("price_per_million_tokens", prices);
		definition.put("regions", List.of(region));
		definition.put("compute", List.of(pool));
		return definition;
	}

}

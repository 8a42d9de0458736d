package io.duplex.api.catalog;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A model agents can use: who serves it, its limits, its audio token rates, where and on which
 * compute pools it runs, and its list prices.
 * @param id e.g. {@code gpt-realtime}
 * @param provider {@code sandbox}, {@code openai} or {@code cascade}
 * @param kind {@code realtime}, {@code cascade} or {@code sandbox}
 * @param displayName for people
 * @param contextWindow tokens the model can hold
 * @param maxSessionSeconds the provider's hard limit on one upstream session
 * @param inputAudioTokensPerSecond tokens one second of input audio counts as (10: one per 100 ms)
 * @param outputAudioTokensPerSecond tokens one second of output audio counts as (20: one per 50 ms)
 * @param modalities {@code text} and/or {@code audio}
 * @param voices the voices it speaks with; the first is an agent's default
 * @param regions ids of the regions it is offered in
 * @param compute ids of the compute pools it runs on, in order of preference
 * @param prices list prices
 * @param imitates for the sandbox: the model whose token rates and limits it follows
 */
public record Model(String id, String provider, String kind, String displayName, int contextWindow,
		int maxSessionSeconds, int inputAudioTokensPerSecond, int outputAudioTokensPerSecond, List<String> modalities,
		List<String> voices, List<String> regions, List<String> compute, ModelPrices prices,
		@Nullable String imitates) {

	public Model {
		modalities = List.copyOf(modalities);
		voices = List.copyOf(voices);
		regions = List.copyOf(regions);
		compute = List.copyOf(compute);
	}

	public boolean offeredIn(String region) {
		return this.regions.contains(region);
	}

	public boolean runsOn(String pool) {
		return this.compute.contains(pool);
	}

	public boolean supports(String modality) {
		return this.modalities.contains(modality);
	}

}

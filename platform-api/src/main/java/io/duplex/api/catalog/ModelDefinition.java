package io.duplex.api.catalog;

import java.math.BigDecimal;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A model as an admin writes it (and as {@code catalog.yaml} lists it); missing fields are
 * reported by {@link CatalogValidator}. Field meanings are those of {@link Model}.
 * @param id required on create; on replace it may be left out, and must match the path if given
 * @param pricePerMillionTokens list prices in USD per one million tokens
 */
record ModelDefinition(@Nullable String id, @Nullable String provider, @Nullable String kind,
		@Nullable String displayName, @Nullable Integer contextWindow, @Nullable Integer maxSessionSeconds,
		@Nullable Integer inputAudioTokensPerSecond, @Nullable Integer outputAudioTokensPerSecond,
		@Nullable List<String> modalities, @Nullable List<String> voices, @Nullable List<String> regions,
		@Nullable List<String> compute, @Nullable PriceDefinition pricePerMillionTokens, @Nullable String imitates) {

	/**
	 * List prices in USD per one million tokens, each at most 6 decimal places; JSON strings or
	 * numbers.
	 */
	record PriceDefinition(@Nullable BigDecimal textInput, @Nullable BigDecimal textCachedInput,
			@Nullable BigDecimal textOutput, @Nullable BigDecimal audioInput, @Nullable BigDecimal audioCachedInput,
			@Nullable BigDecimal audioOutput) {
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

}

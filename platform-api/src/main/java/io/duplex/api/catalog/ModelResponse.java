package io.duplex.api.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A model on the wire. Prices are USD per one million tokens as decimal strings with exactly six
 * decimal places (e.g. {@code "4.000000"}), never JSON numbers, so that no client rounds them
 * through a binary float.
 */
record ModelResponse(String id, String object, String provider, String kind, String displayName, int contextWindow,
		int maxSessionSeconds, int inputAudioTokensPerSecond, int outputAudioTokensPerSecond, List<String> modalities,
		List<String> voices, List<String> regions, List<String> compute, PriceList pricePerMillionTokens,
		@Nullable String imitates) {

	/** List prices in USD per one million tokens. */
	record PriceList(String textInput, String textCachedInput, String textOutput, String audioInput,
			String audioCachedInput, String audioOutput) {
	}

	static ModelResponse from(Model model) {
		ModelPrices p = model.prices();
		PriceList prices = new PriceList(money(p.textInput()), money(p.textCachedInput()), money(p.textOutput()),
				money(p.audioInput()), money(p.audioCachedInput()), money(p.audioOutput()));
		return new ModelResponse(model.id(), "model", model.provider(), model.kind(), model.displayName(),
				model.contextWindow(), model.maxSessionSeconds(), model.inputAudioTokensPerSecond(),
				model.outputAudioTokensPerSecond(), model.modalities(), model.voices(), model.regions(), model.compute(),
				prices, model.imitates());
	}

	/** Stored prices have scale 6 already; this pins the text form, e.g. {@code 0.400000}. */
	static String money(BigDecimal value) {
		return value.setScale(Catalog.MONEY_SCALE, RoundingMode.UNNECESSARY).toPlainString();
	}

}

package io.duplex.api.catalog;

import java.math.BigDecimal;

/**
 * A model's list prices in USD per one million tokens, each with scale 6 (as stored).
 */
public record ModelPrices(BigDecimal textInput, BigDecimal textCachedInput, BigDecimal textOutput,
		BigDecimal audioInput, BigDecimal audioCachedInput, BigDecimal audioOutput) {

}

package io.duplex.billing.pricing;

import java.math.BigDecimal;

/**
 * The unit price of one metric of one model in a price book.
 * @param unitPrice in the book's currency, per {@code unit}
 */
public record Price(String model, String metric, PriceUnit unit, BigDecimal unitPrice) {
}

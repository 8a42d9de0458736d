package io.duplex.billing.pricing;

import java.math.BigDecimal;

import io.duplex.core.usage.UsageEvent;

/**
 * A usage event with the price in force when it occurred.
 * @param exactCost quantity × unit price, exact (never rounded)
 */
public record RatedEvent(UsageEvent event, AppliedPrice price, BigDecimal exactCost) {
}

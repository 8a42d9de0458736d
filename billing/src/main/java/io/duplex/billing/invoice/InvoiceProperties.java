package io.duplex.billing.invoice;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * When invoices are finalized.
 * @param finalizeAfter how long after a month ends its invoices are finalized: time for usage
 * reported late (a self-hosted pool's batch, a session ending after midnight) to reach the ledger
 * @param checkEvery how often the billing role looks for months to finalize
 */
@Validated
@ConfigurationProperties("duplex.billing.invoices")
public record InvoiceProperties(@DefaultValue("24h") Duration finalizeAfter, @DefaultValue("5m") Duration checkEvery) {
}

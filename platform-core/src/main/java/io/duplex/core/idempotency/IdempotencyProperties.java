package io.duplex.core.idempotency;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Positive;

/**
 * Limits of idempotent POST handling ({@code Idempotency-Key}).
 * @param maxBodySize the largest request body a keyed POST may carry; the body is counted as it
 * arrives and a larger one is answered 413 {@code request-too-large} without reading the rest
 * (default 1 MiB)
 * @param maxRecordsPerTenant live (unexpired) records one tenant may hold, over all its
 * credentials; past it a new key is answered 429 {@code idempotency-records-exhausted} with
 * {@code Retry-After} until the oldest record expires (default 10,000). Platform admins count as
 * one tenant
 * @param retention how long an answer stays replayable (default 24 hours)
 * @param abandonedAfter a claimed key whose request never finished (the node died) may be taken
 * over by a retry after this long (default 60 s)
 */
@Validated
@ConfigurationProperties("duplex.idempotency")
public record IdempotencyProperties(@DefaultValue("1MB") DataSize maxBodySize,
		@DefaultValue("10000") @Positive int maxRecordsPerTenant, @DefaultValue("24h") Duration retention,
		@DefaultValue("60s") Duration abandonedAfter) {

	public IdempotencyProperties {
		if (maxBodySize.toBytes() <= 0 || maxBodySize.toBytes() > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("duplex.idempotency.max-body-size must be between 1B and 2GB");
		}
		if (retention.isNegative() || retention.isZero() || abandonedAfter.isNegative() || abandonedAfter.isZero()) {
			throw new IllegalArgumentException("duplex.idempotency retention and abandoned-after must be positive");
		}
	}

}

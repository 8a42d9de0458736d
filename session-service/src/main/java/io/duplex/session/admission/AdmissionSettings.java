package io.duplex.session.admission;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * How admission shares slots out fairly. The share is a policy of the platform rather than a
 * property of a pool's hardware, so it is one setting for every pool; a pool's capacity stays
 * in the catalog.
 * @param connectTimeout a session created with {@code POST /v1/sessions} (or a client secret)
 * and not connected within this time frees its slot and ends as {@code never_connected}, however
 * long its client secret would still live
 * @param connectSweepInterval how often each session node ends the sessions whose connect
 * timeout has passed, so they show as ended even when no one admits or reads sessions
 * @param maxPoolShare the largest part of a compute pool's capacity, in percent, that one tenant
 * may hold; at least one slot; 100 turns the limit off
 * @param maxPoolShareAbove the share applies to pools of more than this many sessions; in smaller
 * pools (development and test pools) one tenant may take every slot
 */
@Validated
@ConfigurationProperties("duplex.sessions")
public record AdmissionSettings(@DefaultValue("60s") Duration connectTimeout,
		@DefaultValue("5s") Duration connectSweepInterval, @DefaultValue("50") @Min(1) @Max(100) int maxPoolShare,
		@DefaultValue("10") @PositiveOrZero int maxPoolShareAbove) {

	public AdmissionSettings {
		if (connectTimeout.isNegative() || connectTimeout.isZero()) {
			throw new IllegalArgumentException("duplex.sessions.connect-timeout must be positive");
		}
		if (connectSweepInterval.isNegative() || connectSweepInterval.isZero()) {
			throw new IllegalArgumentException("duplex.sessions.connect-sweep-interval must be positive");
		}
	}

	/**
	 * How many sessions of a pool of {@code capacity} one tenant may hold: every slot of a small
	 * pool; else its share, rounded down, but at least one.
	 */
	int tenantSlots(int capacity) {
		if (capacity <= this.maxPoolShareAbove || this.maxPoolShare >= 100) {
			return capacity;
		}
		return Math.max(1, (int) ((long) capacity * this.maxPoolShare / 100));
	}

}

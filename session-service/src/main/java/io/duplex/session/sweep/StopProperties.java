package io.duplex.session.sweep;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How sessions asked to stop from outside (a suspended tenant, a revoked key, a deleted agent, a
 * used-up hard-capped budget) are ended on every node.
 * @param pollInterval how often each session node looks for the sessions it runs that were asked
 * to stop, and ends them: with the few milliseconds an end takes, how long such a session may run
 * on (the documented bound is 2 s)
 * @param budgetCheckInterval how often each session node reads which hard-capped budgets billing
 * found used up, and asks their sessions to stop
 */
@Validated
@ConfigurationProperties("duplex.sessions.stops")
record StopProperties(@DefaultValue("250ms") Duration pollInterval, @DefaultValue("1s") Duration budgetCheckInterval) {

	StopProperties {
		if (pollInterval.isNegative() || pollInterval.isZero() || budgetCheckInterval.isNegative()
				|| budgetCheckInterval.isZero()) {
			throw new IllegalArgumentException("duplex.sessions.stops intervals must be positive");
		}
	}

}

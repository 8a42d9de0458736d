package io.duplex.session.provider;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The circuit breaker each upstream endpoint of a provider gets (one per provider and base URL).
 * Only failures of the endpoint count: it could not be reached, timed out, dropped the connection
 * before answering, or answered 5xx. A refusal (a wrong key, a bad request, a rate limit) means the
 * endpoint is up and counts as a success, so one tenant's wrong key cannot shut out every tenant.
 * @param failureRateThreshold percentage of failed calls, over the last {@code slidingWindowSize},
 * that opens the breaker
 * @param slidingWindowSize how many of the latest calls the failure rate is computed over
 * @param minimumNumberOfCalls calls needed before the failure rate counts at all
 * @param waitInOpenState how long an open breaker refuses calls before letting trial calls through
 * @param permittedCallsInHalfOpenState trial calls that decide whether the breaker closes again
 */
@Validated
@ConfigurationProperties("duplex.providers.circuit-breaker")
public record BreakerProperties(@DefaultValue("50") @Positive @Max(100) int failureRateThreshold,
		@DefaultValue("10") @Positive int slidingWindowSize, @DefaultValue("5") @Positive int minimumNumberOfCalls,
		@DefaultValue("30s") Duration waitInOpenState, @DefaultValue("2") @Positive int permittedCallsInHalfOpenState) {
}

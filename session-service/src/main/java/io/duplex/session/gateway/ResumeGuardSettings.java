package io.duplex.session.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Positive;

/**
 * How many failed resumes one address may make. A resume token is the only credential of a resume
 * ({@code ?session=…&resume_token=…}, no API key), so guesses are limited per client address (IPv6
 * addresses per /64, the block one subscriber gets), before the database is asked.
 * @param resumeFailuresPerMinute failed resumes one address may make per minute, sustained;
 * beyond that (and the burst) its resumes answer 429 with {@code Retry-After} until the allowance
 * refills. Successful resumes cost nothing
 * @param resumeFailureBurst failed resumes one address may make at once (the bucket's size)
 * @param resumeFailureAddresses addresses tracked at most; beyond it the one idle longest is
 * forgotten (about 100 bytes each)
 */
@Validated
@ConfigurationProperties("duplex.sessions")
record ResumeGuardSettings(@DefaultValue("10") @Positive int resumeFailuresPerMinute,
		@DefaultValue("20") @Positive int resumeFailureBurst, @DefaultValue("10000") @Positive int resumeFailureAddresses) {
}

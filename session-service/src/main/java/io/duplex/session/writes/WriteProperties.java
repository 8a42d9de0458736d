package io.duplex.session.writes;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.PositiveOrZero;

/**
 * How the engine's writes (items, usage, session state) survive a database outage.
 * @param retries how many times a write that failed for a transient reason (connection refused
 * or closed, timeout) is tried again, with backoff, before it goes to the spool
 * @param firstBackoff the wait before the first retry; each next wait doubles, with jitter
 * @param maxBackoff the longest wait between two tries
 * @param attemptTimeout how long one try may take before it counts as a transient failure
 * @param spoolDir where the spool of writes waiting for the database lives; unset:
 * {@code <duplex.data-dir>/spool} (the data directory defaults to {@code ./var})
 * @param spoolMaxSize the most the spool file may hold; a write past it is lost (counted in
 * {@code duplex.writes.lost} and logged as an error)
 * @param replayInterval how often a spool that holds writes tries the database again
 */
@Validated
@ConfigurationProperties("duplex.writes")
public record WriteProperties(@DefaultValue("5") @PositiveOrZero int retries,
		@DefaultValue("200ms") Duration firstBackoff, @DefaultValue("2s") Duration maxBackoff,
		@DefaultValue("5s") Duration attemptTimeout, @Nullable String spoolDir,
		@DefaultValue("256MB") DataSize spoolMaxSize, @DefaultValue("1s") Duration replayInterval) {

}

package io.duplex.session.engine;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Positive;

/**
 * Limits of realtime sessions.
 * @param idleTimeout end a session after this long without a client event
 * @param maxDuration end a session that has run this long (the tenant's hard limit)
 * @param eventsPerSecond sustained client events per second allowed (audio at 20 ms frames is 50)
 * @param eventBurst client events allowed in a burst above the sustained rate
 * @param audioAhead how far the audio a client appended may run ahead of wall time before the
 * session ends: short bursts of recorded audio stay normal, an endless flood does not
 * @param outboundBuffer server events queued for one slow client before its session ends
 * @param sandboxDelay how long the sandbox model "thinks" before its first delta
 * @param expiringWarning how long before {@code maxDuration} the client gets
 * {@code duplex.session.expiring}
 * @param resumeGrace how long a session whose socket dropped (or whose server stopped) stays
 * resumable with its resume token; zero turns resume off (a dropped socket ends the session)
 * @param rolloverSummaryTimeout how long a rollover that carries a {@code summary} waits for the
 * agent's model to write it before it condenses the conversation itself
 */
@Validated
@ConfigurationProperties("duplex.sessions")
public record SessionLimits(@DefaultValue("5m") Duration idleTimeout, @DefaultValue("2h") Duration maxDuration,
		@DefaultValue("200") @Positive int eventsPerSecond, @DefaultValue("400") @Positive int eventBurst,
		@DefaultValue("60s") Duration audioAhead, @DefaultValue("4096") @Positive int outboundBuffer,
		@DefaultValue("300ms") Duration sandboxDelay, @DefaultValue("60s") Duration expiringWarning,
		@DefaultValue("60s") Duration resumeGrace,
		@DefaultValue("2s") Duration rolloverSummaryTimeout) {

	/** Whether sessions stay resumable when their socket drops. */
	public boolean resumes() {
		return this.resumeGrace.toMillis() > 0;
	}

}

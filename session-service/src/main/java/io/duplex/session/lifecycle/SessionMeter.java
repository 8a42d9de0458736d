package io.duplex.session.lifecycle;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSink;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Meters a session when it ends: {@code session_seconds} (the platform fee is per minute of it)
 * and {@code compute_seconds} (the session held a slot of its compute pool that long), both the
 * time it was connected (from its start to its end, less any time it spent detached waiting for
 * its client to resume), at the instant it ended. Keys derive from the session id, so metering an
 * ended session again (every end path does, whoever ended it first) records nothing new.
 */
@Component
public class SessionMeter {

	private static final Logger log = LoggerFactory.getLogger(SessionMeter.class);

	private final SessionRepository sessions;

	private final UsageSink usage;

	SessionMeter(SessionRepository sessions, UsageSink usage) {
		this.sessions = sessions;
		this.usage = usage;
	}

	/**
	 * Records the ended session's time. A session that never became active has no time to meter.
	 * A failing ledger is retried, then logged rather than answered: the session is ended either
	 * way, and the next end call for it meters it again.
	 * @return completes when recorded (or given up on); never errors
	 */
	public Mono<Void> meterEnded(String tenantId, String sessionId) {
		return record(tenantId, sessionId).retryWhen(Retry.backoff(3, Duration.ofMillis(100)))
			.onErrorResume((ex) -> {
				log.error("Could not meter the time of session {} of tenant {}", sessionId, tenantId, ex);
				return Mono.empty();
			});
	}

	/**
	 * Records the ended session's time, once (keys derive from the session id).
	 * @return completes when recorded, or when there is nothing to record; errors when the
	 * database or the ledger does
	 */
	Mono<Void> record(String tenantId, String sessionId) {
		return this.sessions.find(tenantId, sessionId).flatMap((session) -> {
			List<UsageEvent> events = events(session);
			return events.isEmpty() ? Mono.<Void>empty() : this.usage.record(events).then();
		});
	}

	/** The session's time events; none unless it started and ended. */
	static List<UsageEvent> events(Session session) {
		if (!session.ended() || session.startedAt() == null || session.endedAt() == null) {
			return List.of();
		}
		// milliseconds, like the duration on the session resource, so both show the same seconds;
		// time spent detached (no socket, no upstream) is not part of it
		long millis = session.connectedMillis(session.endedAt());
		BigDecimal seconds = BigDecimal.valueOf(millis, 3);
		return List.of(event(session, UsageEvent.SESSION_SECONDS, seconds),
				event(session, UsageEvent.COMPUTE_SECONDS, seconds));
	}

	private static UsageEvent event(Session session, String metric, BigDecimal seconds) {
		return new UsageEvent(session.tenantId(), session.id() + ":" + metric, session.agentId(),
				session.agentVersion(), session.id(), null, session.model(), session.region(), session.compute(),
				metric, seconds, session.endedAt(), session.metadata());
	}

}

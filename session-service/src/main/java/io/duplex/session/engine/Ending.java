package io.duplex.session.engine;

import org.jspecify.annotations.Nullable;

import io.duplex.session.protocol.ProtocolError;

/**
 * Why and how a session ends.
 * @param reason the session's {@code end_reason}, e.g. {@code client_closed}, {@code idle_timeout}
 * @param error the {@code error} event sent before closing, if any
 * @param closeCode the WebSocket close code (RFC 6455 §7.4)
 * @param detaches whether the session is left resumable rather than ended (its socket dropped,
 * its server stops), when resume is on
 */
public record Ending(String reason, @Nullable ProtocolError error, int closeCode, boolean detaches) {

	Ending(String reason, @Nullable ProtocolError error, int closeCode) {
		this(reason, error, closeCode, false);
	}

	static final int NORMAL = 1000;

	static final int GOING_AWAY = 1001;

	static final int POLICY_VIOLATION = 1008;

	static final int INTERNAL_ERROR = 1011;

	/** The server cannot serve the session now (its model is unavailable): the client may retry later. */
	static final int TRY_AGAIN_LATER = 1013;

	/** The server restarts: the client may reconnect (and resume) shortly. */
	static final int SERVICE_RESTART = 1012;

	static Ending byteRateExceeded(SessionLimits limits) {
		return new Ending("rate_limited", ProtocolError.invalidRequest("rate_limit_exceeded",
				"More than " + limits.inboundBytesPerSecond().toBytes() + " bytes per second "
						+ "(duplex.sessions.inbound-bytes-per-second, bursts of " + limits.inboundBurst().toBytes()
						+ "); the session is closed.",
				null, null), POLICY_VIOLATION);
	}

	static Ending eventRateExceeded(SessionLimits limits) {
		return new Ending("rate_limited", ProtocolError.invalidRequest("rate_limit_exceeded",
				"More than " + limits.eventsPerSecond() + " events per second; the session is closed.", null, null),
				POLICY_VIOLATION);
	}

	static Ending maxDuration(SessionLimits limits) {
		return new Ending("max_duration", ProtocolError.invalidRequest("session_expired",
				"Your session hit the maximum duration of " + limits.maxDuration().toMinutes() + " minutes.", null, null),
				GOING_AWAY);
	}

	static Ending idleTimeout(SessionLimits limits) {
		return new Ending("idle_timeout", ProtocolError.invalidRequest("idle_timeout",
				"No event from the client for " + limits.idleTimeout().toSeconds() + " seconds; the session is closed.",
				null, null), NORMAL);
	}

	/** The server stops: a resumable session is told to reconnect with its token, and left resumable. */
	static Ending serverShutdown(boolean resumable, SessionLimits limits) {
		if (resumable) {
			return new Ending("server_shutdown", ProtocolError.serverError("server_shutdown", "The server is restarting; "
					+ "reconnect with your resume token within " + limits.resumeGrace().toSeconds()
					+ " seconds to continue the session.", null), SERVICE_RESTART, true);
		}
		return new Ending("server_shutdown", ProtocolError.serverError("server_shutdown",
				"The server is shutting down; reconnect to continue the conversation.", null), GOING_AWAY);
	}

	static Ending clientClosed() {
		return new Ending("client_closed", null, NORMAL);
	}

	/** The client's socket dropped without a close: the session waits for it to resume. */
	static Ending clientLost() {
		return new Ending("client_lost", null, GOING_AWAY, true);
	}

}

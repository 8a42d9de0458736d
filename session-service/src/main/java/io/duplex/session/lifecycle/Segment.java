package io.duplex.session.lifecycle;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One upstream model session of a Duplex session: the first, then one more after each rollover.
 * @param sequence 1 for the first segment
 * @param upstreamId the provider's id of its session, when it gives one
 * @param endedAt {@code null} while it runs
 * @param reason why it started, e.g. {@code start} or {@code rollover}
 */
public record Segment(int sequence, String provider, @Nullable String upstreamId, Instant startedAt,
		@Nullable Instant endedAt, String reason) {
}

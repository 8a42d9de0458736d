package io.duplex.session.rest;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.duplex.session.lifecycle.Segment;
import io.duplex.session.lifecycle.Session;
import io.duplex.session.lifecycle.UsageTotals;

import io.duplex.core.usage.SessionCost;
import io.duplex.session.latency.LatencySummary;

/**
 * A session on the wire.
 * @param durationSeconds time it was connected: since it became active until it ended (or until
 * now while it runs), less any time it spent detached, in seconds with millisecond precision;
 * {@code null} if it never became active
 * @param resumableUntil while it is detached, until when its client may resume it
 * @param segments its upstream sessions, in order
 * @param latency each latency figure over its responses so far (see {@code /v1/sessions/{id}/latency}
 * for every response's); only on a single session
 * @param cost what its usage has cost so far, itemised by metric; only on a single session (a list
 * leaves it out), and only where billing is deployed
 */
record SessionResponse(String id, String object, String status, String agent, int agentVersion, String conversation,
		String model, String region, String compute, Instant createdAt, @Nullable Instant startedAt,
		@Nullable Instant endedAt, @Nullable String endReason, @Nullable BigDecimal durationSeconds,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Instant resumableUntil,
		Map<String, String> metadata, List<SegmentResponse> segments, Usage usage,
		@JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<CostResponse> cost,
		@JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<LatencySummary> latency) {

	static final String OBJECT = "realtime.session";

	/** A segment on the wire. */
	record SegmentResponse(int sequence, String provider, @Nullable String upstreamId, Instant startedAt,
			@Nullable Instant endedAt, String reason) {
	}

	/** Token totals; {@code total_tokens} is input plus output (cached tokens are part of the input). */
	record Usage(int responses, long inputTextTokens, long inputAudioTokens, long cachedTextTokens,
			long cachedAudioTokens, long outputTextTokens, long outputAudioTokens, long totalTokens) {
	}

	/**
	 * A cost on the wire: amounts are strings in the currency's minor unit, quantities strings with
	 * six decimals, never floats.
	 */
	record CostResponse(String currency, String total, List<CostItem> items) {

		static CostResponse from(SessionCost cost) {
			return new CostResponse(cost.currency(), cost.total().toPlainString(),
					cost.items()
						.stream()
						// six decimals, as the ledger keeps them and the usage report shows them
						.map((item) -> new CostItem(item.metric(), item.quantity().setScale(6).toPlainString(),
								item.cost().toPlainString()))
						.toList());
		}

	}

	record CostItem(String metric, String quantity, String cost) {
	}

	/** The session with its cost so far. */
	SessionResponse withCost(SessionCost cost) {
		return new SessionResponse(this.id, this.object, this.status, this.agent, this.agentVersion, this.conversation,
				this.model, this.region, this.compute, this.createdAt, this.startedAt, this.endedAt, this.endReason,
				this.durationSeconds, this.resumableUntil, this.metadata, this.segments, this.usage,
				Optional.of(CostResponse.from(cost)), this.latency);
	}

	/** The session with the latency figures of its responses. */
	SessionResponse withLatency(LatencySummary latency) {
		return new SessionResponse(this.id, this.object, this.status, this.agent, this.agentVersion, this.conversation,
				this.model, this.region, this.compute, this.createdAt, this.startedAt, this.endedAt, this.endReason,
				this.durationSeconds, this.resumableUntil, this.metadata, this.segments, this.usage, this.cost, Optional.of(latency));
	}

	static SessionResponse from(Session session, List<Segment> segments, Instant now) {
		UsageTotals usage = session.usage();
		return new SessionResponse(session.id(), OBJECT, session.status(), session.agentId(), session.agentVersion(),
				session.conversationId(), session.model(), session.region(), session.compute(), session.createdAt(),
				session.startedAt(), session.endedAt(), session.endReason(), duration(session, now),
				Session.DETACHED.equals(session.status()) ? session.resumableUntil() : null,
				session.metadata(),
				segments.stream()
					.map((segment) -> new SegmentResponse(segment.sequence(), segment.provider(), segment.upstreamId(),
							segment.startedAt(), segment.endedAt(), segment.reason()))
					.toList(),
				new Usage(usage.responses(), usage.inputTextTokens(), usage.inputAudioTokens(),
						usage.cachedTextTokens(), usage.cachedAudioTokens(), usage.outputTextTokens(),
						usage.outputAudioTokens(), usage.totalTokens()),
				Optional.empty(), Optional.empty());
	}

	private static @Nullable BigDecimal duration(Session session, Instant now) {
		Long millis = session.connectedMillis(now);
		return (millis != null) ? BigDecimal.valueOf(millis).movePointLeft(3).setScale(3, RoundingMode.UNNECESSARY)
				: null;
	}

}

package io.duplex.session.engine;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSource;
import io.duplex.session.latency.ResponseLatency;
import io.duplex.session.provider.TokenUsage;
import io.duplex.session.lifecycle.SessionGrant;
import io.duplex.session.lifecycle.UsageTotals;
import io.duplex.session.writes.SessionWrite;

/**
 * Records a response's usage: one immutable event per metric, keyed so a retry never counts
 * twice, and the session's running totals (with the response's latency).
 */
final class UsageRecorder {

	private UsageRecorder() {
	}

	/**
	 * Records the response's usage events, then, in one statement, adds its usage to the session's
	 * totals and stores its {@code latency}.
	 */
	static void record(SessionEngine engine, String responseId, TokenUsage usage, ResponseLatency latency) {
		SessionGrant grant = engine.grant();
		List<UsageEvent> events = events(engine, engine.segment(), responseId, usage);
		UsageTotals totals = new UsageTotals(1, usage.inputTextTokens(), usage.inputAudioTokens(), usage.cachedTextTokens(),
				usage.cachedAudioTokens(), usage.outputTextTokens(), usage.outputAudioTokens());
		engine.persist(new SessionWrite.ResponseUsage(grant.tenantId(), grant.sessionId(), events, totals, latency));
	}

	/**
	 * Records the usage of a side request the client never sees (a rollover's summary), for
	 * {@code segment}, the upstream it ran on: its usage events and the session's token totals, but
	 * no response and no latency.
	 */
	static void recordSide(SessionEngine engine, int segment, String requestId, TokenUsage usage) {
		SessionGrant grant = engine.grant();
		List<UsageEvent> events = events(engine, segment, requestId, usage);
		if (events.isEmpty()) {
			return;
		}
		UsageTotals totals = new UsageTotals(0, usage.inputTextTokens(), usage.inputAudioTokens(), usage.cachedTextTokens(),
				usage.cachedAudioTokens(), usage.outputTextTokens(), usage.outputAudioTokens());
		// the request id keys the totals, as the events' keys do the ledger: a replay adds them once
		engine.persist(new SessionWrite.SideUsage(grant.tenantId(), grant.sessionId(), requestId, events, totals));
	}

	private static List<UsageEvent> events(SessionEngine engine, int segment, String responseId, TokenUsage usage) {
		Instant now = Instant.now();
		List<UsageEvent> events = new ArrayList<>();
		// cached tokens are part of the input totals; the ledger keeps them apart so they are priced apart
		add(events, engine, segment, responseId, UsageEvent.INPUT_TEXT_TOKENS,
				usage.inputTextTokens() - usage.cachedTextTokens(), now, usage.estimated());
		add(events, engine, segment, responseId, UsageEvent.INPUT_AUDIO_TOKENS,
				usage.inputAudioTokens() - usage.cachedAudioTokens(), now, usage.estimated());
		add(events, engine, segment, responseId, UsageEvent.CACHED_INPUT_TEXT_TOKENS, usage.cachedTextTokens(), now,
				usage.estimated());
		add(events, engine, segment, responseId, UsageEvent.CACHED_INPUT_AUDIO_TOKENS, usage.cachedAudioTokens(), now,
				usage.estimated());
		add(events, engine, segment, responseId, UsageEvent.OUTPUT_TEXT_TOKENS, usage.outputTextTokens(), now,
				usage.estimated());
		add(events, engine, segment, responseId, UsageEvent.OUTPUT_AUDIO_TOKENS, usage.outputAudioTokens(), now,
				usage.estimated());
		// a cascade's speech models: seconds transcribed (exact to the millisecond) and characters spoken
		add(events, engine, segment, responseId, UsageEvent.STT_SECONDS, BigDecimal.valueOf(usage.sttMillis(), 3),
				now, usage.estimated());
		add(events, engine, segment, responseId, UsageEvent.TTS_CHARACTERS, usage.ttsCharacters(), now,
				usage.estimated());
		return events;
	}

	private static void add(List<UsageEvent> events, SessionEngine engine, int segment, String responseId,
			String metric, long quantity, Instant at, boolean estimated) {
		add(events, engine, segment, responseId, metric, BigDecimal.valueOf(quantity), at, estimated);
	}

	private static void add(List<UsageEvent> events, SessionEngine engine, int segment, String responseId,
			String metric, BigDecimal quantity, Instant at, boolean estimated) {
		if (quantity.signum() <= 0) {
			return;
		}
		SessionGrant grant = engine.grant();
		Map<String, String> tags = grant.metadata();
		// an estimate takes the key the provider's own figure would: whichever is recorded first counts
		events.add(new UsageEvent(grant.tenantId(), grant.sessionId() + ":" + responseId + ":" + metric,
				grant.agent().agentId(), grant.agent().version(), grant.sessionId(), segment, grant.model().id(),
				grant.agent().region(), grant.agent().compute(), metric, quantity, at, tags, UsageSource.PLATFORM,
				estimated));
	}

}

package io.duplex.session.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.duplex.session.audio.AudioEncoder;
import io.duplex.session.audio.AudioFormat;
import io.duplex.session.audio.Pcm16;
import io.duplex.session.protocol.ClientEvent;
import io.duplex.session.protocol.ConversationItem;
import io.duplex.session.protocol.Ids;
import io.duplex.session.protocol.ProtocolError;
import io.duplex.session.protocol.RealtimeResponse;
import io.duplex.session.protocol.ResponseConfig;
import io.duplex.session.protocol.SessionConfig;
import io.duplex.session.protocol.TranscriptionUsage;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ResponseSpec;
import io.duplex.session.provider.TokenUsage;
import io.duplex.session.writes.SessionWrite;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The assistant's side: one response at a time, provider output turned into the protocol's
 * events under the engine's own ids, interruption (cancel, and truncate the audio item to what
 * the user heard), and every response's usage billed however it ended ({@link ResponseMeter}).
 */
final class Responses {

	private final SessionEngine engine;

	private final Map<String, Conversation.Entry> awaitingTranscript = new HashMap<>();

	/** How long a rollover waits for a transcript still to come. */
	private static final long TRANSCRIPT_WAIT_NANOS = 10_000_000_000L;

	private long lastAwaitedNanos;

	private @Nullable ResponseRun run;

	/**
	 * A turn ended while a response was still finishing: answer it as soon as that one is done.
	 * Its item and when its speech ended are kept for the answer's latency.
	 */
	private boolean answerWhenDone;

	private @Nullable String pendingTurnItemId;

	private long pendingTurnEndedNanos;

	/** The last assistant audio item, whose playback the client may still be hearing. */
	private @Nullable ResponseOutput lastAudio;

	private AudioFormat outputFormat = AudioFormat.PCM16;

	/** Bills each response once, from the provider's usage or an estimate. */
	final ResponseMeter meter;

	private @Nullable AudioEncoder encoder;

	Responses(SessionEngine engine) {
		this.engine = engine;
		this.meter = new ResponseMeter(engine);
		configure();
	}

	void configure() {
		AudioFormat wanted = SessionSetup.outputFormat(this.engine.config());
		if (wanted != this.outputFormat) {
			this.outputFormat = wanted;
			this.encoder = (wanted == AudioFormat.PCM16) ? null : new AudioEncoder(wanted);
		}
	}

	/**
	 * Answers a turn that server VAD ended. The response before it may still be finishing (its
	 * cancellation not yet confirmed by the model): then the answer starts right after it, rather
	 * than failing as a client's second {@code response.create} would.
	 */
	void answerTurn(String itemId, long speechEndedNanos) {
		if (this.run != null) {
			this.answerWhenDone = true;
			this.pendingTurnItemId = itemId;
			this.pendingTurnEndedNanos = speechEndedNanos;
			return;
		}
		start(null, null, itemId, speechEndedNanos);
	}

	/** Starts a response over the conversation, unless one is already running. */
	void create(@Nullable ResponseConfig config, @Nullable String eventId) {
		ProtocolError overLimit = this.engine.budgets().response(config, eventId);
		if (overLimit != null) {
			this.engine.emitError(overLimit);
			return;
		}
		start(config, eventId, null, 0);
	}

	/**
	 * @param turnItemId the user turn the response answers, when server VAD ended it
	 * @param speechEndedNanos when that turn's speech ended, on {@link System#nanoTime()}; 0 if unknown
	 */
	private void start(@Nullable ResponseConfig config, @Nullable String eventId, @Nullable String turnItemId,
			long speechEndedNanos) {
		if (this.run != null) {
			this.engine.emitError("conversation_already_has_active_response",
					"Conversation already has an active response in progress: " + this.run.response.id()
							+ ". Wait until the response is finished before creating a new one.",
					null, eventId);
			return;
		}
		SessionConfig session = this.engine.config();
		List<SessionConfig.Modality> modalities = (config != null && config.outputModalities() != null)
				? config.outputModalities()
				: (session.outputModalities() != null) ? session.outputModalities() : List.of(SessionConfig.Modality.AUDIO);
		boolean audio = modalities.contains(SessionConfig.Modality.AUDIO);
		RealtimeResponse response = RealtimeResponse.started(Ids.response(), this.engine.grant().conversationId(),
				modalities, (session.maxOutputTokens() != null) ? session.maxOutputTokens()
						: SessionConfig.MaxOutputTokens.INF,
				audio ? this.outputFormat : null, audio ? SessionSetup.voice(session) : null,
				(config != null) ? config.metadata() : null);
		this.run = new ResponseRun(this, this.engine, response, audio, turnItemId, speechEndedNanos);
		this.engine.emit((events) -> events.responseCreated(response));
		String instructions = (config != null) ? config.instructions() : null;
		this.engine.provider().createResponse(new ResponseSpec(response.id(),
				this.engine.budgets().readable(this.engine.conversation().context(), session),
				modalities.stream().map(SessionConfig.Modality::wireName).toList(), instructions,
				SessionSetup.tools(session, this.engine.services().json), SessionSetup.toolChoice(session),
				SessionSetup.maxOutputTokens(session)));
	}

	void cancelByClient(ClientEvent.ResponseCancel cancel) {
		if (this.run == null || (cancel.responseId() != null && !cancel.responseId().equals(this.run.response.id()))) {
			this.engine.emitError("response_cancel_not_active", "Cancellation failed: no active response found.", null,
					cancel.eventId());
			return;
		}
		this.run.cancelReason = "client_cancelled";
		this.engine.provider().cancelResponse();
	}

	/**
	 * The user started speaking: stop the response and cut the assistant's audio item back to what
	 * the user heard, estimated from the real-time pace of what was sent.
	 */
	void interrupt() {
		long now = System.nanoTime();
		ResponseOutput audible = this.lastAudio;
		if (this.run != null) {
			this.run.cancelReason = "turn_detected";
			if (audible != null && !audible.done && audible.sentSamples > 0) {
				audible.truncateAtMs = audible.heardMs(now);
			}
			this.engine.provider().cancelResponse();
		}
		else if (audible != null && audible.done && !audible.entry.truncated && audible.heardMs(now) < audible.sentMs()) {
			truncate(audible.entry, audible.heardMs(now), null);
		}
	}

	/** The client says where its playback of an assistant item stopped. */
	void truncateByClient(ClientEvent.ConversationItemTruncate truncate) {
		Conversation.Entry entry = this.engine.conversation().find(truncate.itemId());
		String eventId = truncate.eventId();
		if (entry == null || !(entry.item instanceof ConversationItem.Message message)
				|| message.role() != ConversationItem.Role.ASSISTANT) {
			this.engine.emitError(ProtocolError.INVALID_VALUE,
					"No assistant message with id " + truncate.itemId() + " to truncate.", "item_id", eventId);
			return;
		}
		if (truncate.contentIndex() != 0) {
			this.engine.emitError(ProtocolError.INVALID_VALUE,
					"The item has one content part; content_index must be 0.", "content_index", eventId);
			return;
		}
		ResponseOutput producing = (this.run != null) ? this.run.byItemId(entry.id) : null;
		long length = (producing != null) ? producing.sentMs() : entry.audioMs;
		if (truncate.audioEndMs() > length) {
			this.engine.emitError(ProtocolError.INVALID_VALUE,
					"audio_end_ms (" + truncate.audioEndMs() + ") is beyond the item's audio (" + length + " ms).",
					"audio_end_ms", eventId);
			return;
		}
		if (producing != null) {
			producing.truncateAtMs = (long) truncate.audioEndMs();
			this.run.cancelReason = "client_cancelled";
			this.engine.provider().cancelResponse();
			return;
		}
		truncate(entry, truncate.audioEndMs(), null);
	}

	/** Cuts a finished assistant item back to {@code heardMs} of audio, in context, store and client view. */
	private void truncate(Conversation.Entry entry, long heardMs, @Nullable String eventId) {
		String heard = heardText(entry.context.text(), heardMs, entry.audioMs);
		entry.context = new ContextItem(entry.id, "message", "assistant", heard, null, null, heardMs);
		entry.truncated = true;
		this.engine.provider().truncateItem(entry.id, heardMs, heard);
		this.engine.emit((events) -> events.conversationItemTruncated(entry.id, 0, (int) heardMs));
		this.engine.persist(new SessionWrite.TruncateItem(this.engine.grant().tenantId(), this.engine.sessionId(),
				this.engine.grant().conversationId(), entry.id, heardMs, heard, this.engine.stored(entry, heardMs).item()));
	}

	/** The part of {@code text} spoken in the first {@code heardMs} of {@code totalMs}, cut at a word. */
	static String heardText(String text, long heardMs, long totalMs) {
		if (totalMs <= 0 || heardMs >= totalMs) {
			return text;
		}
		int cut = (int) (text.length() * heardMs / totalMs);
		while (cut > 0 && !Character.isWhitespace(text.charAt(cut - 1))) {
			cut--;
		}
		return text.substring(0, cut).strip();
	}

	boolean producing(String itemId) {
		return this.run != null && this.run.byItemId(itemId) != null;
	}

	void awaitTranscript(Conversation.Entry entry) {
		this.awaitingTranscript.put(entry.id, entry);
		this.lastAwaitedNanos = System.nanoTime();
	}

	/**
	 * Whether a turn's transcript is still to come from the upstream: a rollover waits for it, or the
	 * old upstream, closed, would never send it. Not for ever: a transcript this late is not coming.
	 */
	boolean awaitsTranscript() {
		return !this.awaitingTranscript.isEmpty() && System.nanoTime() - this.lastAwaitedNanos < TRANSCRIPT_WAIT_NANOS;
	}

	/** An assistant item's audio is now what the client may be hearing. */
	void playing(ResponseOutput output) {
		this.lastAudio = output;
	}

	/** An item is complete: the client is told and it is stored. */
	void itemDone(Conversation.Entry entry) {
		this.engine.emit((events) -> events.conversationItemDone(this.engine.conversation().previousOf(entry.id),
				entry.item));
		this.engine.persist(new SessionWrite.AppendItem(this.engine.stored(entry,
				entry.truncated ? entry.context.audioMs() : null)));
	}

	void onProviderEvent(ProviderEvent event) {
		if (event instanceof ProviderEvent.InputTranscribed transcribed) {
			transcribed(transcribed);
			return;
		}
		if (event instanceof ProviderEvent.Failed failed) {
			if (failed.fatal()) {
				// the upstream is gone: resume on a new one, the client sees a rollover, not an error
				this.engine.rollover().upstreamFailed();
			}
			else {
				// relayed as the upstream classed it: its code, its type, the member it blamed
				this.engine.emitError(new ProtocolError(failed.type(), failed.code(), failed.message(), failed.param(),
						null));
			}
			return;
		}
		if (event instanceof ProviderEvent.UsageReported reported) {
			this.meter.reported(reported.upstreamResponseId(), reported.usage());
			return;
		}
		ResponseRun current = this.run;
		if (current == null || !current.response.id().equals(responseIdOf(event))) {
			if (event instanceof ProviderEvent.ResponseDone late) {
				// the end of a response the engine stopped waiting for: billed unless it was already
				this.meter.reported(late.responseId(), late.usage());
			}
			return;
		}
		if (current.firstOutputNanos == 0 && content(event)) {
			current.firstOutputNanos = System.nanoTime();
		}
		switch (event) {
			case ProviderEvent.OutputItemStarted started -> current.start(started);
			case ProviderEvent.AudioDelta delta -> audio(current, delta);
			case ProviderEvent.TranscriptDelta delta -> current.text(delta.outputIndex(), delta.delta(), true);
			case ProviderEvent.TextDelta delta -> current.text(delta.outputIndex(), delta.delta(), false);
			case ProviderEvent.ArgumentsDelta delta -> current.arguments(delta.outputIndex(), delta.delta());
			case ProviderEvent.OutputItemDone done -> current.finish(done.outputIndex(), ConversationItem.Status.COMPLETED);
			case ProviderEvent.StageTimings timings -> current.stages = timings;
			case ProviderEvent.ResponseDone done -> responseDone(current, done);
			default -> {
			}
		}
	}

	private void transcribed(ProviderEvent.InputTranscribed transcribed) {
		Conversation.Entry entry = this.awaitingTranscript.remove(transcribed.itemId());
		if (entry == null) {
			return;
		}
		String transcript = transcribed.transcript();
		entry.item = new ConversationItem.Message(entry.id, ConversationItem.Status.COMPLETED,
				ConversationItem.Role.USER, List.of(new ConversationItem.InputAudio(null, transcript)));
		entry.context = ContextItem.message(entry.id, "user", transcript, entry.audioMs);
		this.engine.emit((events) -> events.inputAudioTranscriptionCompleted(entry.id, 0, transcript,
				new TranscriptionUsage.Duration(entry.audioMs / 1000.0)));
		itemDone(entry);
	}

	private void audio(ResponseRun current, ProviderEvent.AudioDelta delta) {
		ResponseOutput output = current.outputs.get(delta.outputIndex());
		if (output == null || output.truncateAtMs != null || output.done) {
			return;
		}
		byte[] pcm = delta.pcm();
		if (output.sentSamples == 0) {
			output.firstAudioNanos = System.nanoTime();
			output.entry.startedMs = this.engine.sessionMs();
			if (current.firstAudioNanos == 0) {
				current.firstAudioNanos = output.firstAudioNanos;
			}
		}
		output.sentSamples += pcm.length / 2;
		byte[] wire = (this.encoder != null) ? encode(this.encoder, pcm) : pcm;
		this.engine.emit((events) -> events.responseOutputAudioDelta(output.ref, wire));
	}

	private static byte[] encode(AudioEncoder encoder, byte[] pcm) {
		short[] samples = Pcm16.toShorts(pcm);
		return encoder.encode(samples, 0, samples.length);
	}

	private void responseDone(ResponseRun current, ProviderEvent.ResponseDone done) {
		for (ResponseOutput output : current.outputs.values()) {
			if (!output.done) {
				current.finish(output.index, ConversationItem.Status.INCOMPLETE);
			}
		}
		RealtimeResponse.Status status = switch (done.status()) {
			case "cancelled" -> RealtimeResponse.Status.CANCELLED;
			case "incomplete" -> RealtimeResponse.Status.INCOMPLETE;
			case "failed" -> RealtimeResponse.Status.FAILED;
			default -> RealtimeResponse.Status.COMPLETED;
		};
		RealtimeResponse.StatusDetails details = switch (status) {
			case CANCELLED -> RealtimeResponse.StatusDetails.cancelled(
					(current.cancelReason != null) ? current.cancelReason : "client_cancelled");
			case INCOMPLETE -> RealtimeResponse.StatusDetails.incomplete("max_output_tokens");
			case FAILED -> RealtimeResponse.StatusDetails.failed("server_error", null);
			default -> null;
		};
		TokenUsage usage = done.usage();
		RealtimeResponse.Usage wire = new RealtimeResponse.Usage(
				new RealtimeResponse.TokenCounts(usage.inputTextTokens(), usage.inputAudioTokens(), 0),
				new RealtimeResponse.TokenCounts(usage.cachedTextTokens(), usage.cachedAudioTokens(), 0),
				new RealtimeResponse.TokenCounts(usage.outputTextTokens(), usage.outputAudioTokens(), 0));
		List<ConversationItem> items = new ArrayList<>();
		current.outputs.values().forEach((output) -> items.add(output.entry.item));
		this.run = null;
		this.engine.emit((events) -> events.responseDone(current.response.finished(status, details, items, wire)));
		this.meter.response(current, status.wireName(), usage);
		if (this.answerWhenDone) {
			this.answerWhenDone = false;
			start(null, null, this.pendingTurnItemId, this.pendingTurnEndedNanos);
		}
		else {
			this.engine.rollover().settled();
		}
	}

	/** Whether no response is under way or waiting to start. */
	boolean idle() {
		return this.run == null && !this.answerWhenDone;
	}

	/**
	 * A rollover is due now: the response in flight stops (the client was told why). The rollover
	 * waits for its end, which carries its usage, for {@code duplex.sessions.cancel-usage-wait} at
	 * most: then it ends as cancelled, billed from what it produced.
	 */
	void cancelForRollover() {
		ResponseRun current = this.run;
		if (current != null) {
			current.cancelReason = "client_cancelled";
			this.engine.provider().cancelResponse();
			Mono.delay(this.engine.services().limits.cancelUsageWait(), this.engine.services().scheduler)
				.subscribe((tick) -> this.engine.defer(() -> {
					if (this.run == current) {
						responseDone(current, new ProviderEvent.ResponseDone(current.response.id(), "cancelled",
								ResponseMeter.estimate(this.engine, current)));
					}
				}), null, null, Context.empty());
		}
	}

	/**
	 * The upstream is gone: the response in flight ends as failed, as far as it got, since no
	 * {@code response.done} will come for it. What it produced is billed as estimated.
	 */
	void fail() {
		ResponseRun current = this.run;
		if (current != null) {
			responseDone(current, new ProviderEvent.ResponseDone(current.response.id(), "failed",
					ResponseMeter.estimate(this.engine, current)));
		}
	}

	/**
	 * The session is ending: the response in flight is let go, its items kept as far as they got;
	 * it is returned (null if none) for its usage to be billed.
	 */
	@Nullable ResponseRun cut() {
		ResponseRun current = this.run;
		if (current != null) {
			for (ResponseOutput output : current.outputs.values()) {
				if (!output.done) {
					current.finish(output.index, ConversationItem.Status.INCOMPLETE);
				}
			}
			this.run = null;
		}
		this.answerWhenDone = false;
		return current;
	}

	/** The session has ended: turns still waiting for their transcript are stored as they are. */
	void abandon() {
		this.awaitingTranscript.values().forEach(this::itemDone);
		this.awaitingTranscript.clear();
	}

	/** Whether the event carries output (not just the announcement of an item): the model's first byte. */
	private static boolean content(ProviderEvent event) {
		return event instanceof ProviderEvent.AudioDelta || event instanceof ProviderEvent.TranscriptDelta
				|| event instanceof ProviderEvent.TextDelta || event instanceof ProviderEvent.ArgumentsDelta;
	}

	private static @Nullable String responseIdOf(ProviderEvent event) {
		return switch (event) {
			case ProviderEvent.OutputItemStarted e -> e.responseId();
			case ProviderEvent.AudioDelta e -> e.responseId();
			case ProviderEvent.TranscriptDelta e -> e.responseId();
			case ProviderEvent.TextDelta e -> e.responseId();
			case ProviderEvent.ArgumentsDelta e -> e.responseId();
			case ProviderEvent.OutputItemDone e -> e.responseId();
			case ProviderEvent.ResponseDone e -> e.responseId();
			case ProviderEvent.StageTimings e -> e.responseId();
			default -> null;
		};
	}

}

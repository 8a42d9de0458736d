package io.duplex.session.openai;

import java.time.Duration;
import java.util.Objects;

import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderListener;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.ResponseSpec;
import io.duplex.session.provider.Summary;
import io.duplex.session.provider.SummaryRequest;
import io.duplex.session.provider.TokenUsage;

/**
 * One upstream OpenAI Realtime session over one WebSocket: the engine's calls become client events
 * (written in call order through one queue), and {@link Inbound} turns server events into provider
 * events. Ready once the upstream has applied the session's configuration.
 */
final class OpenAiSession implements ProviderSession {

	private static final Logger log = LoggerFactory.getLogger(OpenAiSession.class);

	/** Larger than any single event we expect; audio deltas are a few KiB. */
	static final int MAX_FRAME = 16 * 1024 * 1024;

	final ProviderSettings settings;

	final ProviderListener listener;

	final ClientEvents events;

	final Correlation ids = new Correlation();

	final Summaries summaries = new Summaries();

	private final Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();

	private final Sinks.One<ProviderSession> ready = Sinks.one();

	private final Inbound inbound = new Inbound(this);

	private volatile String upstreamId = "";

	private @Nullable String voice;

	private boolean transcribing;

	private volatile boolean opened;

	private volatile boolean ended;

	private volatile boolean closed;

	private volatile @Nullable WebSocketCloseStatus closeStatus;

	private volatile @Nullable Disposable connection;

	private final Duration firstByteTimeout;

	/** The engine's response waiting for its first output, and the timer that fails it. */
	private @Nullable String awaitingFirstByte;

	private @Nullable Disposable firstByteTimer;

	OpenAiSession(ProviderSettings settings, ProviderListener listener, ClientEvents events,
			Duration firstByteTimeout) {
		this.settings = settings;
		this.listener = listener;
		this.events = events;
		this.firstByteTimeout = firstByteTimeout;
	}

	/** Completes with this session when the upstream is configured and seeded; errors when it refuses or goes. */
	Mono<ProviderSession> ready() {
		return this.ready.asMono();
	}

	void connection(Disposable connection) {
		this.connection = connection;
	}

	/** The WebSocket handler: frames in to {@link Inbound}, queued client events out, until either side ends. */
	Publisher<Void> run(WebsocketInbound in, WebsocketOutbound out) {
		in.receiveCloseStatus().subscribe((status) -> this.closeStatus = status);
		Mono<Void> receive = in.aggregateFrames(MAX_FRAME)
			.receiveFrames()
			.ofType(TextWebSocketFrame.class)
			.map(TextWebSocketFrame::text)
			.doOnNext(this.inbound::onFrame)
			.then();
		Mono<Void> send = out.sendString(this.outbound.asFlux()).then();
		return Mono.firstWithSignal(receive, send);
	}

	@Override
	public String upstreamId() {
		return this.upstreamId;
	}

	@Override
	public void appendAudio(short[] samples, int offset, int length) {
		if (length > 0) {
			send(this.events.append(samples, offset, length));
		}
	}

	@Override
	public void commitInput(String itemId, long audioStartMs, long audioEndMs) {
		send(this.events.commit(this.ids.commitRequested(itemId)));
	}

	@Override
	public void clearInput() {
		send(this.events.bare("input_audio_buffer.clear"));
	}

	@Override
	public void addItem(ContextItem item) {
		send(this.events.itemCreate(item, this.ids.newItem(item.id())));
	}

	@Override
	public void truncateItem(String itemId, long audioEndMs, String heardText) {
		Correlation.Output output = this.ids.truncatable(itemId);
		// a text-only item has no audio to cut; its context differs only in the unheard text
		if (output != null && output.audible) {
			send(this.events.truncate(output.upstreamId, audioEndMs));
		}
	}

	@Override
	public void deleteItem(String itemId) {
		String upstream = this.ids.upstreamItem(itemId);
		// an output item not yet bound is dropped upstream when the next response shows it gone
		if (upstream != null) {
			this.ids.forget(itemId);
			send(this.events.delete(upstream));
		}
	}

	@Override
	public void createResponse(ResponseSpec spec) {
		// the upstream already holds the conversation; the context only tells which output items the engine
		// named, and which it dropped
		for (String stale : this.ids.bindOutputs(spec.context())) {
			send(this.events.delete(stale));
		}
		send(this.events.responseCreate(spec, this.ids.responseRequested(spec.responseId())));
		awaitFirstByte(spec.responseId());
	}

	/** Starts the clock on the response's first output; a response before it is no longer watched. */
	private synchronized void awaitFirstByte(String responseId) {
		if (this.firstByteTimer != null) {
			this.firstByteTimer.dispose();
		}
		this.awaitingFirstByte = responseId;
		this.firstByteTimer = Mono.delay(this.firstByteTimeout).subscribe((tick) -> firstByteMissed(responseId));
	}

	/** The upstream produced output for the engine's response {@code responseId}. */
	synchronized void firstByte(String responseId) {
		if (responseId.equals(this.awaitingFirstByte)) {
			this.awaitingFirstByte = null;
			if (this.firstByteTimer != null) {
				this.firstByteTimer.dispose();
				this.firstByteTimer = null;
			}
		}
	}

	/**
	 * The response produced nothing in time: the engine is told it failed, and the upstream response,
	 * if it ever starts, is cancelled and kept from the engine. The session goes on.
	 */
	private void firstByteMissed(String responseId) {
		synchronized (this) {
			if (!responseId.equals(this.awaitingFirstByte) || this.ended) {
				return;
			}
			this.awaitingFirstByte = null;
			this.firstByteTimer = null;
		}
		String upstream = this.ids.abandon(responseId);
		if (upstream != null) {
			send(this.events.cancel(upstream));
		}
		emit(new ProviderEvent.Failed("upstream_timeout", "The model did not start answering within "
				+ this.firstByteTimeout.toMillis() + " ms.", false));
		emit(new ProviderEvent.ResponseDone(responseId, "failed", TokenUsage.NONE));
	}

	@Override
	public void cancelResponse() {
		String active = this.ids.cancel();
		if (active != null) {
			send(this.events.cancel(active));
		}
	}

	@Override
	public void update(ProviderSettings settings) {
		send(sessionUpdate(settings));
	}

	/**
	 * An out-of-band response on this upstream session, beside its conversation: it adds nothing to
	 * it and runs alongside a response of the conversation, and its events go to the summary, not
	 * the engine. Cancelling the returned summary only stops waiting for it.
	 */
	@Override
	public Mono<Summary> summarize(SummaryRequest request) {
		return Mono.defer(() -> {
			Summaries.Pending pending = this.summaries.requested();
			send(this.events.summaryCreate(request, pending.eventId));
			return pending.result.asMono().doOnCancel(() -> this.summaries.forget(pending));
		});
	}

	@Override
	public void close() {
		this.closed = true;
		this.ended = true;
		this.summaries.close("The upstream session was closed.");
		synchronized (this) {
			if (this.firstByteTimer != null) {
				this.firstByteTimer.dispose();
			}
		}
		this.outbound.tryEmitComplete();
		Disposable connection = this.connection;
		if (connection != null) {
			connection.dispose();
		}
	}

	/** {@code session.created}: configures and seeds the upstream session. */
	void created(String sessionId) {
		this.upstreamId = sessionId;
		send(sessionUpdate(this.settings));
		for (ContextItem item : this.settings.context()) {
			send(this.events.itemCreate(item, this.ids.newItem(item.id())));
		}
	}

	/** {@code session.updated}: the first one means the upstream is ready. */
	void updated() {
		if (!this.opened) {
			this.opened = true;
			this.ready.tryEmitValue(this);
		}
	}

	/** Whether the upstream transcribes the user's turns, as last configured. */
	synchronized boolean transcribing() {
		return this.transcribing;
	}

	/** Sends {@code response.cancel} for a response cancelled before the upstream named it. */
	void cancelNow(String upstreamResponseId) {
		send(this.events.cancel(upstreamResponseId));
	}

	/** An upstream {@code error}: fails the opening, or is relayed; {@code fatal} when the session is gone. */
	void upstreamError(ProviderEvent.Failed failed) {
		if (!this.opened) {
			this.ready.tryEmitError(new UpstreamException(failed.code(), failed.message()));
			return;
		}
		if (failed.fatal()) {
			this.ended = true;
			this.summaries.close(failed.message());
		}
		emit(failed);
	}

	/** The socket ended without {@link #close()}. */
	void connectionEnded(@Nullable Throwable error) {
		if (!this.opened) {
			this.ready.tryEmitError((error != null) ? error
					: new UpstreamException("upstream_closed", "The upstream closed before the session was ready."));
			return;
		}
		if (this.ended) {
			return;
		}
		this.ended = true;
		WebSocketCloseStatus status = this.closeStatus;
		String message = (status != null)
				? "The upstream session closed (" + status.code() + " " + status.reasonText() + ")."
				: "The upstream connection was lost.";
		this.summaries.close(message);
		if (error != null) {
			log.debug("Upstream session {} failed", this.upstreamId, error);
		}
		emit(new ProviderEvent.Failed("upstream_closed", message, true));
	}

	/** Drops an attempt that never became ready, without reporting anything. */
	void abandon() {
		this.ended = true;
		close();
	}

	/** Reports {@code event}, unless the engine has closed the session: frames still in flight then go unread. */
	void emit(ProviderEvent event) {
		if (!this.closed) {
			this.listener.onEvent(event);
		}
	}

	/** Serialised because the engine's thread and the socket's (configuration, cancels) both write. */
	private synchronized void send(String event) {
		Sinks.EmitResult result = this.outbound.tryEmitNext(event);
		if (result.isFailure() && !this.ended) {
			log.debug("Upstream session {} dropped a client event: {}", this.upstreamId, result);
		}
	}

	/** The voice is sent only when it changes, since OpenAI refuses a change once it has spoken. */
	private synchronized String sessionUpdate(ProviderSettings settings) {
		String voice = (settings.voice() == null || Objects.equals(settings.voice(), this.voice)) ? null
				: settings.voice();
		if (voice != null) {
			this.voice = voice;
		}
		String event = this.events.sessionUpdate(settings, voice, this.transcribing);
		this.transcribing = settings.transcribeInput();
		return event;
	}

}

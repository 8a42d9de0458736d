package io.duplex.session.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.duplex.session.conversation.StoredItem;
import io.duplex.session.protocol.ClientEvent;
import io.duplex.session.protocol.ClientEventDecoder;
import io.duplex.session.protocol.Decoded;
import io.duplex.session.protocol.ProtocolError;
import io.duplex.session.protocol.SessionConfig;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ModelProvider;
import io.duplex.session.provider.Placement;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderListener;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.lifecycle.SessionGrant;
import io.duplex.session.writes.SessionWrite;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * One realtime session: a serialised event loop over client events, provider events and timers.
 * Inputs may arrive on any thread; they are queued and handled one at a time by whichever thread
 * finds the session idle (no thread per session, no locks), so the state here is touched by one
 * thread at a time. What completes is written to the database in order, and a session that ends for any
 * reason first flushes those writes.
 */
public final class SessionEngine {

	private static final Logger log = LoggerFactory.getLogger(SessionEngine.class);

	final EngineServices services;

	final SessionGrant grant;

	/** Where the session clock (transcript times, duration limit) starts: a resumed session's own start. */
	long startedNanos = System.nanoTime();

	// inputs, processed one at a time
	private final Queue<Object> inbox = new ConcurrentLinkedQueue<>();

	private final AtomicInteger pending = new AtomicInteger();

	// what the client receives; bounded so a slow client cannot hold memory
	private final Sinks.Many<String> outbound;

	private final Sinks.One<Ending> ended = Sinks.one();

	// database writes, in order: one at a time, each stored (or spooled) before the next starts
	private final Sinks.Many<SessionWrite> writes = Sinks.many().unicast().onBackpressureBuffer();

	private final Mono<Void> flushed;

	private final EventRateLimiter rateLimiter;

	private final OutboundBudget outboundBytes;

	/** The client was too far behind: nothing more is sent to it. */
	private boolean outboundShut;

	/** Bytes of client frames, checked on the socket's thread before a frame is decoded. */
	private final EventRateLimiter inboundBytes;

	/** The client went over its byte rate: later frames are not decoded (socket thread only). */
	private boolean inboundRefused;

	final Conversation conversation;

	final SessionBudgets budgets;

	final InputTurns input;

	final Responses responses;

	final Rollover rollover;

	SessionConfig config;

	/** The upstream segment the session runs on: 1 until a rollover. */
	int segment = 1;

	/** Which upstream's events count: each one opened gets the next number; others' are stale. */
	private int generation = 1;

	private int generations = 1;

	private boolean expiringSent;

	@Nullable ProviderSession provider;

	private @Nullable Ending ending;

	private long lastClientEventNanos = this.startedNanos;

	private @Nullable Disposable ticker;

	/** Set once this socket's resume token is stored: the session may then outlive the socket. */
	private boolean resumable;

	private final SessionOpening opening = new SessionOpening(this);

	private final SessionClose closing = new SessionClose(this);

	SessionEngine(EngineServices services, SessionGrant grant) {
		this.services = services;
		this.grant = grant;
		this.conversation = new Conversation(services.limits.maxConversationItems(),
				services.limits.maxConversationSize());
		this.budgets = new SessionBudgets(services.limits, grant.model());
		this.outboundBytes = new OutboundBudget(services.limits.outboundBufferSize().toBytes(),
				services.limits.outboundGrace().toNanos());
		this.outbound = Sinks.many().unicast().onBackpressureBuffer(Queues.<String>get(services.limits.outboundBuffer()).get());
		this.flushed = this.writes.asFlux().concatMap(services.writes::write, 1).then().cache();
		// no context: the writes must not restore the thread locals of the request that opened the
		// socket around every database signal (see RealtimeSocketHandler)
		this.flushed.subscribe(null, null, null, Context.empty());
		this.inboundBytes = new EventRateLimiter(services.limits.inboundBytesPerSecond().toBytes(),
				services.limits.inboundBurst().toBytes(), this.startedNanos);
		this.rateLimiter = new EventRateLimiter(services.limits.eventsPerSecond(), services.limits.eventBurst(),
				this.startedNanos);
		this.config = SessionSetup.fromAgent(grant.agent(), services.decoder, services.json);
		this.input = new InputTurns(this);
		this.responses = new Responses(this);
		this.rollover = new Rollover(this);
	}

	public String sessionId() {
		return this.grant.sessionId();
	}

	/** Server events for the client, in order; completes when the session has ended. */
	public Flux<String> outbound() {
		return this.outbound.asFlux();
	}

	/**
	 * The socket has taken {@code bytes} of server events (UTF-8, as {@link #outbound()} gave
	 * them): they no longer count against the client's {@code outbound-buffer-size}.
	 */
	public void written(long bytes) {
		this.outboundBytes.written(bytes);
	}

	/** Emits how the session ended once its writes are flushed and its record is closed. */
	public Mono<Ending> ended() {
		return this.ended.asMono();
	}

	/**
	 * Opens the model session (seeded with the conversation so far, when continuing or resuming one)
	 * and sends {@code session.created}.
	 * @return completes when the session is ready for client events; errors when the model
	 * cannot be reached or a resume is refused (the session is then ended, or left resumable)
	 */
	public Mono<Void> start() {
		return this.opening.start();
	}

	ProviderSettings settings(List<ContextItem> context) {
		return settings(this.config, context);
	}

	ProviderSettings settings(SessionConfig config, List<ContextItem> context) {
		String instructions = (config.instructions() != null) ? config.instructions() : "";
		return new ProviderSettings(this.grant.sessionId(),
				new Placement(this.grant.tenantId(), this.grant.agent().region(), this.grant.agent().compute()),
				this.grant.model(), SessionSetup.voice(config),
				instructions, SessionSetup.tools(config, this.services.json), SessionSetup.transcribes(config),
				context, this.services.limits.sandboxDelay());
	}

	/** A text frame from the client, its UTF-8 bytes; decoding runs on the caller's (network) thread. */
	public void onClientFrame(byte[] frame) {
		long arrived = System.nanoTime();
		submit(new FromClient(this.services.decoder.decode(frame), arrived));
	}

	/**
	 * Whether a client frame of {@code bytes} is within the client's byte rate, asked on the
	 * socket's thread before the frame is copied or decoded. Over it, the session ends and
	 * nothing more the client sends is read, so a flood of large events costs its node little.
	 */
	public boolean admitFrame(long bytes) {
		if (this.inboundRefused) {
			return false;
		}
		if (this.inboundBytes.tryAcquire(System.nanoTime(), bytes)) {
			return true;
		}
		this.inboundRefused = true;
		submit(new Stop(Ending.byteRateExceeded(this.services.limits)));
		return false;
	}

	/** A text frame over the protocol's 15 MiB: answered without reading it. */
	public void onOversizedFrame() {
		submit(new FromClient(ClientEventDecoder.tooLarge(), System.nanoTime()));
	}

	/** The client sent something other than text. */
	public void onBinaryFrame() {
		submit(new FromClient(ProtocolError.invalidRequest(ProtocolError.INVALID_VALUE,
				"Binary frames are not part of the protocol; send JSON events as text frames.", null, null),
				System.nanoTime()));
	}

	/**
	 * The client's socket is gone.
	 * @param closedByClient whether the client closed it (sent a close frame): it means to end the
	 * session. A socket that dropped without one leaves the session resumable, when resume is on.
	 */
	public void onClientGone(boolean closedByClient) {
		submit(new Stop(closedByClient ? Ending.clientClosed() : Ending.clientLost()));
	}

	/**
	 * The client reconnected with its resume token while this socket still looked open: this one is
	 * closed, told why, and the session left resumable for the new one.
	 */
	public void supersede() {
		submit(new Stop(new Ending("superseded", ProtocolError.invalidRequest("session_resumed_elsewhere",
				"The session was resumed on another socket; this one is closed.", null, null), Ending.POLICY_VIOLATION,
				true)));
	}

	/**
	 * The server stops: with resume on, the client is told to reconnect with its token and the
	 * session is left resumable, for this node after its restart or for any other node; else it ends.
	 */
	public void onServerShutdown() {
		submit(new ServerShutdown());
	}

	/**
	 * Ends the session from outside (API call, a stop asked for its tenant, key, agent or budget);
	 * the client is told why.
	 */
	public void end(String reason, @Nullable ProtocolError error, int closeCode) {
		submit(new Stop(new Ending(reason, error, closeCode)));
	}

	/**
	 * Queues an input and, when no thread is handling this session's inputs, handles the queue
	 * right here: a client frame is handled on the socket's own I/O thread, a provider event on
	 * the thread that produced it. No hop to another thread means no wake-up and no queueing
	 * behind other sessions' work, which is what the added latency per audio frame is made of.
	 * Every handler is short CPU work that never blocks; database writes only start here.
	 */
	private void submit(Object input) {
		if (this.pending.compareAndSet(0, 1)) {
			// nothing queued and nobody handling: this input needs no queue (the common case, a frame)
			handleSafely(input);
			drain(1);
			return;
		}
		this.inbox.offer(input);
		if (this.pending.getAndIncrement() == 0) {
			drain(1);
		}
	}

	/**
	 * Handles what is queued until nothing is.
	 * @param missed inputs counted in {@code pending} that this thread took on and has handled or
	 * will find queued
	 */
	private void drain(int missed) {
		do {
			Object input;
			while ((input = this.inbox.poll()) != null) {
				handleSafely(input);
			}
			missed = this.pending.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private void handleSafely(Object input) {
		try {
			handle(input);
		}
		catch (RuntimeException ex) {
			log.error("Session {} failed handling {}", this.grant.sessionId(), input.getClass().getSimpleName(), ex);
			stop(new Ending("internal_error", ProtocolError.serverError("internal_error",
					"The session failed on the server.", null), Ending.INTERNAL_ERROR));
		}
	}

	private void handle(Object input) {
		if (this.ending != null) {
			if (input instanceof Switched late) {
				// a rollover's upstream that opened after the session ended
				late.session().close();
			}
			else if (input instanceof SessionOpening.Opened late) {
				// the first upstream, opened while the session was ended (e.g. asked to stop as it opened)
				late.session().close();
			}
			else if (input instanceof FromProvider provider && provider.generation() == this.generation) {
				// the response cut by the end may still report its usage
				this.closing.onProviderEvent(provider.event());
			}
			else if (input instanceof Closing step) {
				step.step().run();
			}
			return;
		}
		switch (input) {
			case SessionOpening.Opened opened -> ready(opened);
			case FromClient client -> {
				client(client.decoded(), client.arrivedNanos());
				if (client.decoded() instanceof ClientEvent.InputAudioBufferAppend) {
					// what the gateway adds to each audio frame: decoding, queueing and handing it to the model
					this.services.frameLatency.record(System.nanoTime() - client.arrivedNanos(),
							java.util.concurrent.TimeUnit.NANOSECONDS);
				}
			}
			case FromProvider provider -> {
				if (provider.generation() == this.generation) {
					this.responses.onProviderEvent(provider.event());
				}
			}
			case Switched switched -> {
				this.generation = switched.generation();
				this.rollover.switched(switched.session(), switched.carriedItems(), switched.reason());
			}
			case SwitchFailed failed -> this.rollover.switchFailed(failed.error(), failed.reason());
			case Deferred deferred -> deferred.step().run();
			case Tick tick -> tick();
			case ServerShutdown shutdown -> stop(Ending.serverShutdown(this.resumable, this.services.limits));
			case Stop stop -> stop(stop.ending());
			default -> throw new IllegalStateException("unknown input " + input);
		}
	}

	private void ready(SessionOpening.Opened ready) {
		this.provider = ready.session();
		this.segment = ready.segment();
		if (ready.startedAt() != null) {
			// the session clock runs on from the session's first start, across the sockets it had
			this.startedNanos = System.nanoTime()
					- Math.max(0, Duration.between(ready.startedAt(), Instant.now()).toNanos());
		}
		if (ready.config() != this.config) {
			this.config = ready.config();
			this.input.configure();
			this.responses.configure();
		}
		ready.history().forEach((item) -> this.conversation.add(null, HistoryItems.entry(item)));
		send(this.services.events.sessionCreated(this.grant.sessionId(), expiresAt(), this.config));
		if (ready.resumeToken() != null) {
			this.resumable = true;
			send(this.services.events.sessionResumable(ready.resumeToken(), this.services.limits.resumeGrace().toSeconds()));
		}
		this.ticker = Flux.interval(Duration.ofSeconds(1), this.services.scheduler)
			.subscribe((n) -> submit(new Tick()), null, null, Context.empty());
	}

	private void client(Decoded decoded, long arrivedNanos) {
		long now = System.nanoTime();
		this.lastClientEventNanos = now;
		if (!this.rateLimiter.tryAcquire(now)) {
			stop(Ending.eventRateExceeded(this.services.limits));
			return;
		}
		switch (decoded) {
			case ProtocolError error -> send(this.services.events.error(error));
			case ClientEvent.SessionUpdate update -> sessionUpdate(update);
			case ClientEvent.InputAudioBufferAppend append -> this.input.append(append, arrivedNanos);
			case ClientEvent.InputAudioBufferCommit commit -> this.input.commit(commit);
			case ClientEvent.InputAudioBufferClear clear -> this.input.clear();
			case ClientEvent.ConversationItemCreate create -> ClientItems.create(this, create);
			case ClientEvent.ConversationItemRetrieve retrieve -> ClientItems.retrieve(this, retrieve);
			case ClientEvent.ConversationItemTruncate truncate -> this.responses.truncateByClient(truncate);
			case ClientEvent.ConversationItemDelete delete -> ClientItems.delete(this, delete);
			case ClientEvent.ResponseCreate create -> this.responses.create(create.response(), create.eventId());
			case ClientEvent.ResponseCancel cancel -> this.responses.cancelByClient(cancel);
			case ClientEvent.OutputAudioBufferClear clear -> send(this.services.events.error(ProtocolError.invalidRequest(
					"unsupported_on_websocket", "output_audio_buffer.clear is for WebRTC and SIP; a WebSocket client "
							+ "stops its own playback and sends conversation.item.truncate.",
					null, clear.eventId())));
		}
	}

	private void sessionUpdate(ClientEvent.SessionUpdate update) {
		ProtocolError refusal = this.budgets.update(update.session(), update.eventId());
		if (refusal == null) {
			refusal = SessionSetup.refusal(this.config, update.session(), this.grant.agent().config(), update.eventId());
		}
		if (refusal != null) {
			send(this.services.events.error(refusal));
			return;
		}
		this.config = this.config.withUpdate(update.session());
		this.input.configure();
		this.responses.configure();
		provider().update(settings(this.conversation.context()));
		if (this.resumable) {
			// a resume, on any node, restores what the client set
			persist(new SessionWrite.SaveConfig(this.grant.tenantId(), this.grant.sessionId(),
					this.services.updates.write(this.config)));
		}
		send(this.services.events.sessionUpdated(this.grant.sessionId(), expiresAt(), this.config));
	}

	private void tick() {
		long now = System.nanoTime();
		SessionLimits limits = this.services.limits;
		if (now - this.startedNanos >= limits.maxDuration().toNanos()) {
			stop(Ending.maxDuration(limits));
		}
		else if (now - this.lastClientEventNanos >= limits.idleTimeout().toNanos()) {
			stop(Ending.idleTimeout(limits));
		}
		else {
			warnIfExpiring(now, limits);
			this.rollover.tick(now);
			checkOutbound(now);
		}
	}

	/** The maximum duration cannot be rolled over: say so a while before, so the agent can say goodbye. */
	private void warnIfExpiring(long now, SessionLimits limits) {
		long left = limits.maxDuration().toNanos() - (now - this.startedNanos);
		if (!this.expiringSent && left <= limits.expiringWarning().toNanos()) {
			this.expiringSent = true;
			long leftSeconds = Math.max(0, left / 1_000_000_000L);
			send(this.services.events.sessionExpiring("max_duration", System.currentTimeMillis() / 1000 + leftSeconds,
					leftSeconds));
		}
	}

	/** What the opening hands the engine: the opened session, or the end of a start that failed. */
	void opened(SessionOpening.Opened opened) {
		submit(opened);
	}

	void failedToStart(Ending ending) {
		submit(new Stop(ending));
	}

	/** Where an upstream's events go: into the engine's inputs, counted only while it is the current one. */
	ProviderListener listener(int generation) {
		return (event) -> submit(new FromProvider(event, generation));
	}

	/**
	 * Opens the next upstream session for a rollover, seeded with {@code carried}; its events count
	 * only once the engine has switched to it.
	 */
	void openUpstream(List<ContextItem> carried, String reason) {
		int next = ++this.generations;
		ModelProvider provider = this.services.providers.get(this.grant.model().provider());
		Mono.defer(() -> provider.open(settings(carried), listener(next)))
			.subscribe((session) -> submit(new Switched(session, next, carried.size(), reason)),
					(error) -> submit(new SwitchFailed(error, reason)));
	}

	/**
	 * Runs {@code step} as one of the engine's inputs, in turn with the others: how work that ends
	 * on another thread (a side request to the model) comes back. Not run once the session ends.
	 */
	void defer(Runnable step) {
		submit(new Deferred(step));
	}

	/**
	 * Nobody is speaking, no response is under way, no transcript is still to come, no tool call
	 * awaits its output: a moment to switch upstreams.
	 */
	boolean idle() {
		return !this.input.speaking() && this.responses.idle() && !this.responses.awaitsTranscript()
				&& !this.conversation.awaitsToolOutput();
	}

	/** Ends the session: tells the client why, bills the response in flight ({@link SessionClose}), then closes. */
	void stop(Ending ending) {
		if (this.ending != null) {
			return;
		}
		this.ending = ending;
		Instant endedAt = Instant.now();
		if (ending.error() != null) {
			send(this.services.events.error(ending.error()));
		}
		if (this.ticker != null) {
			this.ticker.dispose();
		}
		this.closing.begin(() -> close(ending, endedAt));
	}

	/** Runs {@code step} as one of the engine's inputs even once the session is ending. */
	void closing(Runnable step) {
		submit(new Closing(step));
	}

	private void close(Ending ending, Instant endedAt) {
		this.responses.abandon();
		this.rollover.abandon();
		if (this.provider != null) {
			this.provider.close();
		}
		this.writes.tryEmitComplete();
		// the end is a write like the others: retried, or spooled while the database is away, so a
		// session never waits for the database longer than the retries take
		this.flushed.onErrorComplete()
			.then(this.services.writes.write((ending.detaches() && (this.resumable || this.opening.claimed()))
					? detach(ending.reason()) : new SessionWrite.EndSession(this.grant.tenantId(), this.grant.sessionId(),
							this.services.nodeId, this.segment, ending.reason(), endedAt)))
			.doOnError((error) -> log.error("Session {} did not close its record cleanly", this.grant.sessionId(), error))
			.onErrorComplete()
			.doFinally((signal) -> {
				this.outbound.tryEmitComplete();
				this.ended.tryEmitValue(ending);
			})
			.subscribe();
	}

	/**
	 * Leaves the session resumable for the grace period; its state is all in the database by now, or
	 * in the spool ahead of this write.
	 */
	private SessionWrite detach(String reason) {
		this.services.countDetached(reason);
		log.debug("Session {} detached: resumable for {}", this.grant.sessionId(), this.services.limits.resumeGrace());
		return new SessionWrite.DetachSession(this.grant.tenantId(), this.grant.sessionId(), this.services.nodeId,
				this.services.limits.resumeGrace().toMillis());
	}

	boolean stopped() {
		return this.ending != null;
	}

	/** Sends a server event; a client that falls too far behind is disconnected. */
	void send(String event) {
		if (this.outboundShut) {
			return;
		}
		Sinks.EmitResult result = this.outbound.tryEmitNext(event);
		if (result == Sinks.EmitResult.OK) {
			this.outboundBytes.queued(event);
		}
		if (result == Sinks.EmitResult.FAIL_OVERFLOW && this.ending == null) {
			stop(new Ending("client_too_slow", null, Ending.POLICY_VIOLATION));
		}
		else if (this.ending == null) {
			checkOutbound(System.nanoTime());
		}
	}

	/** A client that stays too far behind in reading is closed, told why first (when it reads on). */
	private void checkOutbound(long now) {
		ProtocolError behind = this.outboundBytes.check(now);
		if (behind != null && this.ending == null) {
			// the error is the last thing it reads: nothing is queued after it, not even what ending the session sends
			this.outboundShut = true;
			this.outbound.tryEmitNext(this.services.events.error(behind));
			stop(new Ending("client_too_slow", null, Ending.POLICY_VIOLATION));
		}
	}

	/**
	 * Queues a database write behind the earlier ones. It is retried while the database fails, then
	 * spooled on disk until it returns ({@link io.duplex.session.writes.DurableWrites}): never fatal.
	 */
	void persist(SessionWrite write) {
		this.writes.tryEmitNext(write);
	}

	ProviderSession provider() {
		if (this.provider == null) {
			throw new IllegalStateException("the provider is not open yet");
		}
		return this.provider;
	}

	/** Milliseconds since the session started: the clock of transcripts. */
	long sessionMs() {
		return (System.nanoTime() - this.startedNanos) / 1_000_000;
	}

	private long expiresAt() {
		return (System.currentTimeMillis() + this.services.limits.maxDuration().toMillis()) / 1000;
	}

	StoredItem stored(Conversation.Entry entry, @Nullable Long truncatedAtMs) {
		return HistoryItems.stored(entry, this.grant, this.services.json, this.services.events, truncatedAtMs);
	}

	void sendError(String code, String message, @Nullable String param, @Nullable String eventId) {
		send(this.services.events.error(error(code, message, param, eventId)));
	}

	static ProtocolError error(String code, String message, @Nullable String param, @Nullable String eventId) {
		return ProtocolError.invalidRequest(code, message, param, eventId);
	}

	private record ServerShutdown() {
	}

	private record FromClient(Decoded decoded, long arrivedNanos) {
	}

	private record FromProvider(ProviderEvent event, int generation) {
	}

	private record Switched(ProviderSession session, int generation, int carriedItems, String reason) {
	}

	private record SwitchFailed(Throwable error, String reason) {
	}

	private record Deferred(Runnable step) {
	}

	private record Tick() {
	}

	private record Stop(Ending ending) {
	}

	private record Closing(Runnable step) {
	}

}

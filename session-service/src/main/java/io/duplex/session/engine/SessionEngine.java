package io.duplex.session.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.duplex.session.conversation.StoredItem;
import io.duplex.session.protocol.ClientEvent;
import io.duplex.session.protocol.ClientEventDecoder;
import io.duplex.session.protocol.ProtocolError;
import io.duplex.session.protocol.ServerEvents;
import io.duplex.session.protocol.SessionConfig;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.Placement;
import io.duplex.session.provider.ProviderListener;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.lifecycle.SessionGrant;
import io.duplex.session.writes.SessionWrite;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

/**
 * One realtime session: a serialised event loop over client events, provider events and timers.
 * Inputs may arrive on any thread; each is an {@link Input}, handled one at a time by whichever
 * thread finds the session idle ({@link Inbox}: no thread per session, no locks), so the state here
 * is touched by one thread at a time. That state is the engine's own: its helpers read it through
 * accessors and change it only through methods that say why (a provider swapped, a segment counted,
 * an event emitted). What completes is written to the database in order, and a session that ends
 * for any reason first flushes those writes.
 */
public final class SessionEngine {

	private static final Logger log = LoggerFactory.getLogger(SessionEngine.class);

	private final EngineServices services;

	private final SessionGrant grant;

	private final Inbox inbox = new Inbox(this::handleSafely);

	private final SessionClock clock;

	private final ClientInbound inbound;

	// what the client receives; bounded so a slow client cannot hold memory
	private final ClientOutbound outbound;

	private final Sinks.One<Ending> ended = Sinks.one();

	private final WriteQueue writes;

	private final Conversation conversation;

	private final SessionBudgets budgets;

	private final InputTurns input;

	private final Responses responses;

	private final Rollover rollover;

	private SessionConfig config;

	/** The upstream segment the session runs on: 1 until a rollover. */
	private int segment = 1;

	/** Which upstream's events count: each one opened gets the next number; others' are stale. */
	private int generation = 1;

	private @Nullable ProviderSession provider;

	private @Nullable Ending ending;

	private @Nullable Disposable ticker;

	/** Set once this socket's resume token is stored: the session may then outlive the socket. */
	private boolean resumable;

	private final SessionOpening opening = new SessionOpening(this);

	private final SessionClose closing = new SessionClose(this);

	SessionEngine(EngineServices services, SessionGrant grant) {
		this.services = services;
		this.grant = grant;
		this.clock = new SessionClock(this, services.limits);
		this.conversation = new Conversation(services.limits.maxConversationItems(),
				services.limits.maxConversationSize());
		this.budgets = new SessionBudgets(services.limits, grant.model());
		this.outbound = new ClientOutbound(this, services.limits);
		this.writes = new WriteQueue(services.writes);
		this.inbound = new ClientInbound(this, services.limits, this.clock);
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
		return this.outbound.events();
	}

	/**
	 * The socket has taken {@code bytes} of server events (UTF-8, as {@link #outbound()} gave
	 * them): they no longer count against the client's {@code outbound-buffer-size}.
	 */
	public void written(long bytes) {
		this.outbound.written(bytes);
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
		submit(new Input.FromClient(this.services.decoder.decode(frame), arrived));
	}

	/**
	 * Whether a client frame of {@code bytes} is within the client's byte rate, asked on the
	 * socket's thread before the frame is copied or decoded. Over it, the session ends and
	 * nothing more the client sends is read, so a flood of large events costs its node little.
	 */
	public boolean admitFrame(long bytes) {
		return this.inbound.admitFrame(bytes);
	}

	/** A text frame over the protocol's 15 MiB: answered without reading it. */
	public void onOversizedFrame() {
		submit(new Input.FromClient(ClientEventDecoder.tooLarge(), System.nanoTime()));
	}

	/** The client sent something other than text. */
	public void onBinaryFrame() {
		submit(new Input.FromClient(ProtocolError.invalidRequest(ProtocolError.INVALID_VALUE,
				"Binary frames are not part of the protocol; send JSON events as text frames.", null, null),
				System.nanoTime()));
	}

	/**
	 * The client's socket is gone.
	 * @param closedByClient whether the client closed it (sent a close frame): it means to end the
	 * session. A socket that dropped without one leaves the session resumable, when resume is on.
	 */
	public void onClientGone(boolean closedByClient) {
		submit(new Input.Stop(closedByClient ? Ending.clientClosed() : Ending.clientLost()));
	}

	/**
	 * The client reconnected with its resume token while this socket still looked open: this one is
	 * closed, told why, and the session left resumable for the new one.
	 */
	public void supersede() {
		submit(new Input.Stop(new Ending("superseded", ProtocolError.invalidRequest("session_resumed_elsewhere",
				"The session was resumed on another socket; this one is closed.", null, null), Ending.POLICY_VIOLATION,
				true)));
	}

	/**
	 * The server stops: with resume on, the client is told to reconnect with its token and the
	 * session is left resumable, for this node after its restart or for any other node; else it ends.
	 */
	public void onServerShutdown() {
		submit(new Input.ServerShutdown());
	}

	/**
	 * Ends the session from outside (API call, a stop asked for its tenant, key, agent or budget);
	 * the client is told why.
	 */
	public void end(String reason, @Nullable ProtocolError error, int closeCode) {
		submit(new Input.Stop(new Ending(reason, error, closeCode)));
	}

	/** Handles one input: a failure ends the session, not the thread that handled it. */
	private void handleSafely(Input input) {
		try {
			handle(input);
		}
		catch (RuntimeException ex) {
			log.error("Session {} failed handling {}", this.grant.sessionId(), input.getClass().getSimpleName(), ex);
			stop(new Ending("internal_error", ProtocolError.serverError("internal_error",
					"The session failed on the server.", null), Ending.INTERNAL_ERROR));
		}
	}

	private void handle(Input input) {
		if (this.ending != null) {
			this.closing.handle(input, this.generation);
			return;
		}
		switch (input) {
			case Input.Opened opened -> ready(opened);
			case Input.FromClient client -> this.inbound.handle(client);
			case Input.FromProvider provider -> {
				if (provider.generation() == this.generation) {
					this.responses.onProviderEvent(provider.event());
				}
			}
			case Input.Switched switched -> {
				this.generation = switched.generation();
				this.rollover.switched(switched.session(), switched.carriedItems(), switched.reason());
			}
			case Input.SwitchFailed failed -> this.rollover.switchFailed(failed.error(), failed.reason());
			case Input.Deferred deferred -> deferred.step().run();
			case Input.Closing closing -> closing.step().run();
			case Input.Tick tick -> tick();
			case Input.ServerShutdown shutdown -> stop(Ending.serverShutdown(this.resumable, this.services.limits));
			case Input.Stop stop -> stop(stop.ending());
		}
	}

	private void ready(Input.Opened ready) {
		this.provider = ready.session();
		this.segment = ready.segment();
		if (ready.startedAt() != null) {
			this.clock.resumedFrom(ready.startedAt());
		}
		if (ready.config() != this.config) {
			reconfigure(ready.config());
		}
		ready.history().forEach((item) -> this.conversation.add(null, HistoryItems.entry(item)));
		emit((events) -> events.sessionCreated(this.grant.sessionId(), this.clock.expiresAt(), this.config));
		String resumeToken = ready.resumeToken();
		if (resumeToken != null) {
			this.resumable = true;
			emit((events) -> events.sessionResumable(resumeToken, this.services.limits.resumeGrace().toSeconds()));
		}
		this.ticker = Flux.interval(Duration.ofSeconds(1), this.services.scheduler)
			.subscribe((n) -> submit(new Input.Tick()), null, null, Context.empty());
	}

	/** The session's configuration changed: input and output follow it. */
	private void reconfigure(SessionConfig config) {
		this.config = config;
		this.input.configure();
		this.responses.configure();
	}

	/** The client changes the session's configuration, within what its agent allows. */
	void sessionUpdate(ClientEvent.SessionUpdate update) {
		ProtocolError refusal = this.budgets.update(update.session(), update.eventId());
		if (refusal == null) {
			refusal = SessionSetup.refusal(this.config, update.session(), this.grant.agent().config(), update.eventId());
		}
		if (refusal != null) {
			emitError(refusal);
			return;
		}
		reconfigure(this.config.withUpdate(update.session()));
		provider().update(settings(this.conversation.context()));
		if (this.resumable) {
			// a resume, on any node, restores what the client set
			persist(new SessionWrite.SaveConfig(this.grant.tenantId(), this.grant.sessionId(),
					this.services.updates.write(this.config)));
		}
		emit((events) -> events.sessionUpdated(this.grant.sessionId(), this.clock.expiresAt(), this.config));
	}

	private void tick() {
		long now = System.nanoTime();
		if (this.clock.tick(now)) {
			this.rollover.tick(now);
			this.outbound.check(now);
		}
	}

	/** Where an upstream's events go: into the engine's inputs, counted only while it is the current one. */
	ProviderListener listener(int generation) {
		return (event) -> submit(new Input.FromProvider(event, generation));
	}

	/**
	 * Queues {@code input}, handled in turn with the others: how what happens on another thread (an
	 * upstream opened, a start that failed) reaches the session.
	 */
	void submit(Input input) {
		this.inbox.submit(input);
	}

	/**
	 * Runs {@code step} as one of the engine's inputs, in turn with the others: how work that ends
	 * on another thread (a side request to the model) comes back. Not run once the session ends.
	 */
	void defer(Runnable step) {
		submit(new Input.Deferred(step));
	}

	/** Ends the session: tells the client why, bills the response in flight ({@link SessionClose}), then closes. */
	void stop(Ending ending) {
		if (this.ending != null) {
			return;
		}
		this.ending = ending;
		Instant endedAt = Instant.now();
		if (ending.error() != null) {
			emitError(ending.error());
		}
		if (this.ticker != null) {
			this.ticker.dispose();
		}
		this.closing.begin(() -> close(ending, endedAt));
	}

	/** Runs {@code step} as one of the engine's inputs even once the session is ending. */
	void closing(Runnable step) {
		submit(new Input.Closing(step));
	}

	private void close(Ending ending, Instant endedAt) {
		this.responses.abandon();
		this.rollover.abandon();
		if (this.provider != null) {
			this.provider.close();
		}
		this.writes.finish((ending.detaches() && (this.resumable || this.opening.claimed())) ? detach(ending.reason())
				: new SessionWrite.EndSession(this.grant.tenantId(), this.grant.sessionId(), this.services.nodeId,
						this.segment, ending.reason(), endedAt))
			.doOnError((error) -> log.error("Session {} did not close its record cleanly", this.grant.sessionId(), error))
			.onErrorComplete()
			.doFinally((signal) -> {
				this.outbound.complete();
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

	/**
	 * Sends the client a server event, the one {@code event} builds with the session's codec: the
	 * one way anything reaches the client. A client that falls too far behind is disconnected.
	 */
	void emit(Function<ServerEvents, String> event) {
		this.outbound.send(event.apply(this.services.events));
	}

	/** Sends the client an {@code error} event. */
	void emitError(ProtocolError error) {
		this.outbound.send(this.services.events.error(error));
	}

	/** Sends the client an {@code invalid_request_error} event. */
	void emitError(String code, String message, @Nullable String param, @Nullable String eventId) {
		emitError(error(code, message, param, eventId));
	}

	/**
	 * Queues a database write behind the earlier ones. It is retried while the database fails, then
	 * spooled on disk until it returns ({@link io.duplex.session.writes.DurableWrites}): never fatal.
	 */
	void persist(SessionWrite write) {
		this.writes.add(write);
	}

	/** Where calls for the model go: the upstream, or what stands in for it during a rollover. */
	ProviderSession provider() {
		if (this.provider == null) {
			throw new IllegalStateException("the provider is not open yet");
		}
		return this.provider;
	}

	/** Whether the first upstream is open (a session can end before it is). */
	boolean upstreamOpen() {
		return this.provider != null;
	}

	/**
	 * Calls for the model go to {@code session} from now on: a rollover's stand-in while it
	 * switches, then the next upstream, or the one it had when the switch failed.
	 */
	void swapProvider(ProviderSession session) {
		this.provider = session;
	}

	/**
	 * The session runs on the next upstream segment from now on, recorded with the upstream
	 * ({@code upstreamId}) that serves it and why it started.
	 * @return the new segment's number
	 */
	int nextSegment(String upstreamId, String reason) {
		int ended = this.segment;
		this.segment = ended + 1;
		persist(new SessionWrite.NextSegment(this.grant.tenantId(), this.grant.sessionId(), ended, this.segment,
				this.grant.model().provider(), upstreamId, reason));
		return this.segment;
	}

	/** The upstream segment the session runs on: 1 until a rollover. */
	int segment() {
		return this.segment;
	}

	EngineServices services() {
		return this.services;
	}

	SessionGrant grant() {
		return this.grant;
	}

	/** The session's configuration: its agent's, with the client's updates. */
	SessionConfig config() {
		return this.config;
	}

	Conversation conversation() {
		return this.conversation;
	}

	SessionBudgets budgets() {
		return this.budgets;
	}

	InputTurns input() {
		return this.input;
	}

	Responses responses() {
		return this.responses;
	}

	Rollover rollover() {
		return this.rollover;
	}

	/** Milliseconds since the session started: the clock of transcripts. */
	long sessionMs() {
		return this.clock.sessionMs();
	}

	StoredItem stored(Conversation.Entry entry, @Nullable Long truncatedAtMs) {
		return HistoryItems.stored(entry, this.grant, this.services.json, this.services.events, truncatedAtMs);
	}

	static ProtocolError error(String code, String message, @Nullable String param, @Nullable String eventId) {
		return ProtocolError.invalidRequest(code, message, param, eventId);
	}

}

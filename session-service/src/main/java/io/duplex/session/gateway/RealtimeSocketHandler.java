package io.duplex.session.gateway;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;

import io.duplex.session.engine.EngineServices;
import io.duplex.session.engine.Ending;
import io.duplex.session.protocol.ClientEventDecoder;
import io.duplex.session.engine.SessionEngine;
import io.duplex.session.lifecycle.SessionGrant;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * Connects an authenticated socket to a new engine for its session: client frames in, server
 * events out, and the close code the engine chose when it ends.
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6455">RFC 6455</a>
 */
class RealtimeSocketHandler {

	private static final Logger log = LoggerFactory.getLogger(RealtimeSocketHandler.class);

	private static final Duration CLOSE_STATUS_WAIT = Duration.ofSeconds(1);

	/** Frames from this size up are decoded on a worker: 20 ms of audio is 1.3 KB, a 15 s append a megabyte. */
	private static final int LARGE_FRAME_BYTES = 1024 * 1024;

	/** How long a closed socket goes on reading, so that its client gets the close before the connection ends. */
	private static final Duration CLOSE_LINGER = Duration.ofSeconds(1);

	private final EngineServices services;

	private final LiveSessionRegistry registry;

	private final OpenConnections connections;

	/** How long an ended session's last events and close frame may take to reach its client. */
	private final Duration closeWait;

	RealtimeSocketHandler(EngineServices services, LiveSessionRegistry registry, OpenConnections connections,
			Duration closeWait) {
		this.services = services;
		this.registry = registry;
		this.connections = connections;
		this.closeWait = closeWait;
	}

	/** The handler of one socket, for the session its handshake was granted. */
	WebSocketHandler forGrant(SessionGrant grant) {
		return new WebSocketHandler() {
			@Override
			public List<String> getSubProtocols() {
				// OpenAI's browser SDK offers "realtime" plus its key; the server must select "realtime"
				return List.of("realtime");
			}

			@Override
			public Mono<Void> handle(WebSocketSession socket) {
				return RealtimeSocketHandler.this.handle(socket, grant);
			}
		};
	}

	/**
	 * Whether the client closed its socket with a close frame (it means to end the session), once
	 * the socket is closed; false when it dropped without one (RFC 6455's 1006: the session stays
	 * resumable). Bounded: a close status that never arrives counts as a drop.
	 */
	private static Mono<Boolean> closedByClient(WebSocketSession socket) {
		return socket.closeStatus()
			.map((status) -> status.getCode() != CloseStatus.NO_CLOSE_FRAME.getCode())
			.timeout(CLOSE_STATUS_WAIT, Mono.empty())
			.onErrorResume((error) -> Mono.empty())
			.defaultIfEmpty(false);
	}

	/**
	 * Hands the client's frames to the engine, in order; completes when the client's side of the
	 * socket ends. A frame over the client's byte rate is not even copied. A large frame (a
	 * megabyte or more: no audio chunk is) is decoded on a worker of its own rather than on the
	 * socket's I/O thread, which serves other sessions' sockets too (nor on the parallel workers,
	 * whose timers play other sessions' audio), and the next frame is read only once it is
	 * handled: so one client's large events never hold up another's audio.
	 */
	private static Mono<Void> frames(WebSocketSession socket, SessionEngine engine) {
		Flux<Inbound> inbound = socket.receive().handle((message, next) -> {
			// the payload is released after this callback: read it here
			if (message.getType() == WebSocketMessage.Type.TEXT) {
				DataBuffer payload = message.getPayload();
				int size = payload.readableByteCount();
				if (!engine.admitFrame(size)) {
					return;
				}
				if (size > ClientEventDecoder.MAX_FRAME_BYTES) {
					// over the protocol's limit: answered without copying it
					next.next(new Inbound(engine::onOversizedFrame, false));
					return;
				}
				byte[] frame = new byte[size];
				payload.read(frame);
				next.next(new Inbound(() -> engine.onClientFrame(frame), size >= LARGE_FRAME_BYTES));
			}
			else if (message.getType() == WebSocketMessage.Type.BINARY) {
				next.next(new Inbound(engine::onBinaryFrame, false));
			}
		});
		return isolated(inbound
			.concatMap((frame) -> frame.large()
					? Mono.fromRunnable(frame.handling()).subscribeOn(Schedulers.boundedElastic()).then()
					: Mono.fromRunnable(frame.handling()).then(), 1)
			.then());
	}

	/** A client frame, and whether it is large enough to be decoded off the I/O thread. */
	private record Inbound(Runnable handling, boolean large) {
	}

	/**
	 * Runs one direction of the socket on its own subscription, with an empty Reactor context;
	 * completes when it ends, whether it completed or failed. With automatic context propagation,
	 * every frame in or out in the request's context would first restore its thread locals (request
	 * id, security context, exchange), walking the operator chain to find them, and then clear them
	 * again: a tenth of the server's CPU at 50 frames a second per session. Nothing done per frame
	 * needs them; the engine's log lines name the session.
	 */
	private static Mono<Void> isolated(Mono<Void> direction) {
		return Mono.create((done) -> {
			// an explicit empty context: without one, subscribing captures the current thread's locals
			Disposable running = direction.subscribe(null, (error) -> done.success(), done::success, Context.empty());
			done.onDispose(running);
		});
	}

	/**
	 * Closes the socket of an ended session once its last events are out, with the engine's close
	 * code. A client that does not read would hold them, and the close frame behind them, for
	 * ever: after {@link #closeWait} its connection is dropped.
	 */
	private Mono<Void> close(WebSocketSession socket, Mono<Void> sending, Ending ending) {
		Mono<Void> abort = Mono.fromRunnable(() -> {
			log.debug("Session socket {} did not take its last events in {}; dropped", socket.getId(), this.closeWait);
			if (socket instanceof ReactorNettyWebSocketSession netty) {
				this.connections.abort(netty.getChannelId());
			}
		});
		return sending.timeout(this.closeWait, abort.then(Mono.error(new TimeoutException())))
			.then(Mono.defer(() -> {
				if (socket instanceof ReactorNettyWebSocketSession netty && this.connections
					.closeLingering(netty.getChannelId(), ending.closeCode(), ending.reason(), CLOSE_LINGER)) {
					return socket.closeStatus().then();
				}
				return socket.close(new CloseStatus(ending.closeCode(), ending.reason()));
			}))
			.timeout(this.closeWait.plus(CLOSE_LINGER), abort)
			.onErrorResume((error) -> Mono.empty());
	}

	private static long utf8Length(String event) {
		return event.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
	}

	private Mono<Void> handle(WebSocketSession socket, SessionGrant grant) {
		SessionEngine engine;
		try {
			engine = this.registry.open(this.services, grant);
		}
		catch (RuntimeException ex) {
			log.error("Session {} could not start", grant.sessionId(), ex);
			return socket.close(new CloseStatus(1011, "the session could not start"));
		}
		Flux<String> events = engine.outbound();
		if (!(socket instanceof ReactorNettyWebSocketSession netty
				&& this.connections.onWritten(netty.getChannelId(), engine::written))) {
			// no socket to ask: an event counts until it is handed on
			events = events.doOnNext((event) -> engine.written(utf8Length(event)));
		}
		Mono<Void> sending = isolated(socket.send(events.map(socket::textMessage))).cache();
		Mono<Void> output = Mono.when(sending, engine.ended().flatMap((ending) -> close(socket, sending, ending)));
		Mono<Void> input = engine.start()
			.then(frames(socket, engine))
			.onErrorResume((error) -> Mono.empty())
			.then(closedByClient(socket))
			.doOnNext(engine::onClientGone)
			.then()
			.doOnCancel(() -> engine.onClientGone(false));
		return Mono.when(input, output).doFinally((signal) -> this.registry.remove(engine));
	}

}

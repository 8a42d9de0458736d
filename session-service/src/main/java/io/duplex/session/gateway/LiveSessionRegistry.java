package io.duplex.session.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import io.duplex.session.engine.EngineServices;
import io.duplex.session.engine.SessionEngine;
import io.duplex.session.protocol.ProtocolError;
import io.duplex.session.session.LiveSessions;
import io.duplex.session.session.SessionGrant;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The sessions live on this node: ends one on request (the REST API's end), and on shutdown ends
 * them all cleanly (each flushes what it has) before the server stops.
 */
class LiveSessionRegistry implements LiveSessions, SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(LiveSessionRegistry.class);

	private final Map<String, SessionEngine> live = new ConcurrentHashMap<>();

	private volatile boolean running;

	LiveSessionRegistry(MeterRegistry meters) {
		Gauge.builder("duplex.sessions.live", this.live, Map::size)
			.description("Realtime sessions connected to this node")
			.register(meters);
	}

	SessionEngine open(EngineServices services, SessionGrant grant) {
		SessionEngine engine = services.newEngine(grant);
		this.live.put(grant.sessionId(), engine);
		return engine;
	}

	void remove(SessionEngine engine) {
		this.live.remove(engine.sessionId(), engine);
	}

	int size() {
		return this.live.size();
	}

	@Override
	public Mono<Boolean> end(String sessionId, String reason) {
		SessionEngine engine = this.live.get(sessionId);
		if (engine == null) {
			return Mono.just(false);
		}
		engine.end(reason, ProtocolError.invalidRequest("session_ended", "The session was ended through the API.", null,
				null), 1000);
		return engine.ended().thenReturn(true);
	}

	@Override
	public Mono<Boolean> end(String sessionId, String reason, String message) {
		SessionEngine engine = this.live.get(sessionId);
		if (engine == null) {
			return Mono.just(false);
		}
		// warned first, so the agent can say goodbye; then ended with the error naming why
		engine.expire(reason, ProtocolError.invalidRequest(reason, message, null, null));
		return engine.ended().thenReturn(true);
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.live.isEmpty()) {
			return;
		}
		log.info("Ending {} live sessions before shutdown", this.live.size());
		// runs once on the thread that stops the application, which may wait
		Flux.fromIterable(this.live.values()).flatMap((engine) -> {
			engine.end("server_shutdown", ProtocolError.serverError("server_shutdown",
					"The server is shutting down; reconnect to continue the conversation.", null), 1001);
			return engine.ended();
		}).then().block(Duration.ofSeconds(20));
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// stops before the web server does, so sockets are closed with a proper code
		return Integer.MAX_VALUE - 10;
	}

}

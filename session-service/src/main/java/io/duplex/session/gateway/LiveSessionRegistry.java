package io.duplex.session.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import io.duplex.session.engine.EngineServices;
import io.duplex.session.engine.SessionEngine;
import io.duplex.session.node.LeaseLossListener;
import io.duplex.session.protocol.ProtocolError;
import io.duplex.session.lifecycle.LiveSessions;
import io.duplex.session.lifecycle.SessionGrant;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The sessions live on this node: ends one on request (the REST API's end, or a stop asked from
 * outside such as a suspended tenant), and on shutdown stops them all cleanly (each flushes what
 * it has, and is left resumable when resume is on) before the server stops.
 */
class LiveSessionRegistry implements LiveSessions, LeaseLossListener, SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(LiveSessionRegistry.class);

	private final Map<String, SessionEngine> live = new ConcurrentHashMap<>();

	/** RFC 6455 §7.4.1: the session may not go on. */
	private static final int POLICY_VIOLATION = 1008;

	private final String nodeId;

	private volatile boolean running;

	LiveSessionRegistry(MeterRegistry meters, String nodeId) {
		this.nodeId = nodeId;
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
	public boolean runs(String sessionId) {
		return this.live.containsKey(sessionId);
	}

	@Override
	public String nodeId() {
		return this.nodeId;
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
	public boolean terminate(String sessionId, String code, String message) {
		SessionEngine engine = this.live.get(sessionId);
		if (engine == null) {
			return false;
		}
		// no goodbye grace: what the session ran on is gone, and its end must follow within a bound
		engine.end(code, ProtocolError.invalidRequest(code, message, null, null), POLICY_VIOLATION);
		return true;
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Detaches the session this node runs so another socket can resume it (its old socket was not
	 * seen to drop, but its client reconnected): the old socket is closed and told why.
	 * @return completes once the session is detached (or was not live here)
	 */
	Mono<Void> detachForResume(String sessionId) {
		SessionEngine engine = this.live.get(sessionId);
		if (engine == null) {
			return Mono.empty();
		}
		engine.supersede();
		return engine.ended().then();
	}

	/**
	 * This node lost its lease, so another node may have adopted its sessions: each is stopped as on
	 * a shutdown (the client is told to resume with its token, close 1012), and its final write
	 * changes its record only where it is still this node's, so an adopted session keeps what
	 * the adopting node made of it.
	 */
	@Override
	public Mono<Void> leaseLost() {
		if (!this.live.isEmpty()) {
			log.warn("Stopping {} live sessions: this node lost its lease", this.live.size());
		}
		return Flux.fromIterable(this.live.values()).flatMap((engine) -> {
			engine.onServerShutdown();
			return engine.ended();
		}).then();
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.live.isEmpty()) {
			return;
		}
		log.info("Stopping {} live sessions before shutdown", this.live.size());
		// runs once on the thread that stops the application, which may wait
		Flux.fromIterable(this.live.values()).flatMap((engine) -> {
			engine.onServerShutdown();
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

package io.duplex.session.node;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.schedule.BackgroundJob;
import io.duplex.session.engine.EngineServices;
import io.duplex.session.engine.SessionLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * This node's lease: taken before the node serves sockets, renewed every
 * {@code duplex.sessions.node-heartbeat}, given up when the node stops.
 * <p>
 * The gateway takes new sockets only while the last good renewal was sent less than
 * {@code duplex.sessions.node-lease} ago, measured on the node's own monotonic clock: the database
 * set that lease's expiry later still, so the node stops taking sessions before any other node
 * may take it for dead. It keeps the sessions it runs meanwhile: when the database is away for
 * everyone, nobody adopts anything (see the session module's adoption), and the node renews its
 * lapsed lease when the database is back.
 * <p>
 * The node has lost its lease when a renewal finds it gone: another node adopted its sessions
 * (after a long pause of this one, or while it was cut off from the database). It then stops
 * every session it runs ({@link LeaseLossListener}); their final writes are conditional on the
 * session still being this node's, so nothing another node made of them is overwritten. Then it
 * takes a new lease and serves again.
 */
@Component
@ConditionalOnRole(DuplexRole.SESSION)
public class NodeLease implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(NodeLease.class);

	/** How long stopping the sessions of a lost lease may take before the node moves on. */
	private static final Duration STOP_SESSIONS = Duration.ofSeconds(30);

	private final NodeLeaseRepository leases;

	private final String nodeId;

	private final NodeLeaseProperties properties;

	private final SessionLimits limits;

	private final List<LeaseLossListener> listeners;

	private final Counter lost;

	private final MeterRegistry meters;

	/** Whether the lease is held (taken, and not found lost since). */
	private volatile boolean held;

	/** {@link System#nanoTime()} by which the lease must be renewed, at the latest. */
	private volatile long validUntilNanos;

	private volatile boolean running;

	private Disposable heartbeat = () -> {
	};

	NodeLease(NodeLeaseRepository leases, EngineServices services, NodeLeaseProperties properties,
			SessionLimits limits, List<LeaseLossListener> listeners, MeterRegistry meters) {
		this.leases = leases;
		this.nodeId = services.nodeId();
		this.properties = properties;
		this.limits = limits;
		this.listeners = listeners;
		this.meters = meters;
		this.lost = Counter.builder("duplex.node.lease.lost")
			.description("Times this node found its lease lost and stopped its sessions")
			.register(meters);
		Gauge.builder("duplex.node.lease.held", this, (lease) -> lease.held() ? 1 : 0)
			.description("Whether this node holds its lease (1) and so takes sockets")
			.register(meters);
	}

	/** This node's id, as its lease and its sessions' records name it. */
	public String nodeId() {
		return this.nodeId;
	}

	/** Whether this node holds its lease, renewed within the lease time: it may take new sessions. */
	public boolean held() {
		return this.held && System.nanoTime() - this.validUntilNanos < 0;
	}

	/** Takes the lease before the web server starts: runs once, on the thread that starts the application. */
	@Override
	public void start() {
		long sent = System.nanoTime();
		Boolean taken = this.leases.acquire(this.nodeId, this.properties.nodeLease(), this.limits.resumeGrace())
			.block(this.properties.nodeLease());
		if (!Boolean.TRUE.equals(taken)) {
			throw new IllegalStateException("Node " + this.nodeId + " could not take its lease");
		}
		renewed(sent);
		log.info("Node {} holds its lease (heartbeat {}, lease {})", this.nodeId, this.properties.nodeHeartbeat(),
				this.properties.nodeLease());
		this.heartbeat = BackgroundJob.start("node-heartbeat", this.properties.nodeHeartbeat(), this.meters,
				this::beat);
		this.running = true;
	}

	/** Gives the lease up once the sessions have been handed over: runs once, on the stopping thread. */
	@Override
	public void stop() {
		this.running = false;
		this.heartbeat.dispose();
		if (this.held) {
			this.held = false;
			this.leases.release(this.nodeId)
				.timeout(this.properties.nodeHeartbeat())
				.onErrorResume((ex) -> {
					log.warn("Node {} could not give up its lease; it lapses in {}", this.nodeId,
							this.properties.nodeLease(), ex);
					return Mono.empty();
				})
				.block(this.properties.nodeLease());
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Starts before the web server (sockets come only once the lease is held), stops after the sessions and it. */
	@Override
	public int getPhase() {
		return 0;
	}

	/** One heartbeat: renews the lease, or takes a new one after a loss. */
	Mono<Void> beat() {
		long sent = System.nanoTime();
		if (!this.held) {
			return this.leases.acquire(this.nodeId, this.properties.nodeLease(), this.limits.resumeGrace())
				.timeout(this.properties.nodeHeartbeat())
				.doOnNext((taken) -> {
					if (taken) {
						renewed(sent);
						log.info("Node {} holds its lease again and takes sockets", this.nodeId);
					}
				})
				.then();
		}
		// two heartbeats without a renewal: the database (or this node) was away
		Duration gap = this.properties.nodeHeartbeat().multipliedBy(2);
		return this.leases.renew(this.nodeId, this.properties.nodeLease(), gap)
			.timeout(this.properties.nodeHeartbeat())
			.flatMap((renewed) -> {
				if (renewed) {
					renewed(sent);
					return Mono.<Void>empty();
				}
				return lose();
			})
			.onErrorResume((ex) -> {
				long left = (this.validUntilNanos - System.nanoTime()) / 1_000_000;
				if (left > 0) {
					log.warn("Node {} could not renew its lease; it takes sockets for {} ms more", this.nodeId, left, ex);
				}
				else {
					log.warn("Node {} could not renew its lease; it takes no sockets until it does", this.nodeId, ex);
				}
				return Mono.empty();
			});
	}

	private void renewed(long sentNanos) {
		this.validUntilNanos = sentNanos + this.properties.nodeLease().toNanos();
		this.held = true;
	}

	private Mono<Void> lose() {
		this.held = false;
		this.lost.increment();
		log.warn("Node {} lost its lease: another node adopted its sessions; stopping them here", this.nodeId);
		return Flux.fromIterable(this.listeners)
			.flatMap((listener) -> listener.leaseLost().onErrorResume((ex) -> {
				log.warn("Node {} could not stop everything under its lost lease", this.nodeId, ex);
				return Mono.empty();
			}))
			.then()
			.timeout(STOP_SESSIONS, Mono.empty());
	}

}

package io.duplex.session.sweep;

import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.schedule.BackgroundJob;
import io.duplex.session.engine.EngineServices;
import io.duplex.session.engine.SessionLimits;
import io.duplex.session.lifecycle.LiveSessions;
import io.duplex.session.lifecycle.Session;
import io.duplex.session.lifecycle.SessionMeter;
import io.duplex.session.lifecycle.ResumeRepository;
import io.duplex.session.lifecycle.SessionRepository;
import io.duplex.session.node.NodeLeaseProperties;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Adopts the sessions of dead nodes: every {@code duplex.sessions.node-heartbeat}, each session
 * node that holds its lease looks for leases that lapsed while the database was up (see
 * {@link SweepRepository#adoptFromLapsedNodes}) and takes their sessions over. A session with
 * a resume token becomes {@code detached}, resumable on any node from now for the
 * {@code duplex.sessions.resume-grace} of the node that died (what its clients were told), and
 * ends as {@code node_lost} when not resumed ({@link DetachedSessionSweeper}); one without ends
 * as {@code node_lost} at once.
 * Either way its connected time, the metered one, stops at its node's last heartbeat. Nodes
 * sweeping at once share the dead nodes out; each is adopted once. Each node also releases its own
 * sessions that are recorded as active but run nowhere on it (their end could not be written).
 */
@Component
@ConditionalOnRole(DuplexRole.SESSION)
class LapsedNodeSweeper implements InitializingBean, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(LapsedNodeSweeper.class);

	/** Dead nodes adopted per statement; more wait for the next sweep. */
	private static final int NODES = 20;

	private final SweepRepository sweeps;

	private final SessionRepository sessions;

	private final ResumeRepository resumes;

	private final SessionMeter meter;

	private final SessionLimits limits;

	private final NodeLeaseProperties leases;

	private final MeterRegistry meters;

	private final String nodeId;

	/** The sessions the last sweep found orphaned; the next one releases those still orphaned. */
	private volatile Set<String> suspects = Set.of();

	private final ObjectProvider<LiveSessions> live;

	private Disposable schedule = () -> {
	};

	LapsedNodeSweeper(SweepRepository sweeps, SessionRepository sessions, ResumeRepository resumes, SessionMeter meter,
			SessionLimits limits, NodeLeaseProperties leases, MeterRegistry meters, EngineServices services,
			ObjectProvider<LiveSessions> live) {
		this.sweeps = sweeps;
		this.sessions = sessions;
		this.resumes = resumes;
		this.meter = meter;
		this.limits = limits;
		this.leases = leases;
		this.meters = meters;
		this.nodeId = services.nodeId();
		this.live = live;
	}

	@Override
	public void afterPropertiesSet() {
		this.schedule = BackgroundJob.start("lapsed-node-sweep", this.leases.nodeHeartbeat(), this.meters, this::sweep);
	}

	@Override
	public void destroy() {
		this.schedule.dispose();
	}

	/**
	 * Adopts the sessions of nodes whose lease lapsed, and meters those that ended at once; then
	 * releases this node's own orphans (see {@link #releaseOrphans()}).
	 * @return how many sessions of dead nodes this call adopted
	 */
	Mono<Long> sweep() {
		return adopt().flatMap((adopted) -> releaseOrphans().thenReturn(adopted));
	}

	/**
	 * Sessions recorded as active on this node that run nowhere here: their engine ended but could
	 * not record it (a database error as it closed). Each is left resumable for the grace, from now,
	 * as a dropped socket leaves it; one without a resume token ends as {@code internal_error}.
	 * A session is released only when the sweep before this one found it orphaned too, so one whose
	 * end is being written (or that is being asked to stop) at the moment of a sweep gets a heartbeat
	 * to finish first. The writes are conditional on the session still being this node's, so one
	 * whose end was recorded meanwhile is left as it is.
	 */
	Mono<Void> releaseOrphans() {
		return this.sweeps.activeOn(this.nodeId)
			.filter((session) -> this.live.orderedStream().noneMatch((node) -> node.runs(session.sessionId())))
			.collectList()
			.flatMapIterable((orphans) -> {
				Set<String> seenBefore = this.suspects;
				this.suspects = orphans.stream().map(SweepRepository.ActiveSession::sessionId).collect(Collectors.toSet());
				return orphans.stream().filter((orphan) -> seenBefore.contains(orphan.sessionId())).toList();
			})
			.concatMap((orphan) -> {
				log.warn("Session {} of tenant {} is recorded as running on this node, but does not: releasing it",
						orphan.sessionId(), orphan.tenantId());
				if (orphan.resumable() && this.limits.resumes()) {
					return this.resumes.markDetached(orphan.tenantId(), orphan.sessionId(), this.nodeId,
							this.limits.resumeGrace()).then();
				}
				return this.sessions.markEndedOn(orphan.tenantId(), orphan.sessionId(), this.nodeId, Session.INTERNAL_ERROR)
					.then(this.meter.meterEnded(orphan.tenantId(), orphan.sessionId()));
			})
			.then();
	}

	private Mono<Long> adopt() {
		return this.sweeps.adoptFromLapsedNodes(this.nodeId, NODES).concatMap((adopted) -> {
			String outcome = adopted.ended() ? "ended" : "detached";
			this.meters.counter("duplex.sessions.adopted", "outcome", outcome).increment();
			log.info("Session {} of tenant {} adopted from node {}, whose lease lapsed: {}", adopted.sessionId(),
					adopted.tenantId(), adopted.lostNodeId(), outcome);
			return adopted.ended() ? this.meter.meterEnded(adopted.tenantId(), adopted.sessionId()).thenReturn(adopted)
					: Mono.just(adopted);
		}).count();
	}

}

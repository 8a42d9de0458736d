package io.duplex.session.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.duplex.core.agent.AgentDirectory;
import io.duplex.core.budget.BudgetExceededException;
import io.duplex.core.catalog.ModelCatalog;
import io.duplex.core.security.Caller;
import io.duplex.core.session.TerminationReason;
import io.duplex.core.tenant.TenantDirectory;
import io.duplex.core.tenant.TenantInfo;
import io.duplex.session.latency.ResponseLatency;
import io.duplex.session.secrets.ClientSecretStore;
import io.duplex.session.secrets.ClientSecrets;
import io.duplex.session.secrets.ResumeTokens;
import reactor.core.publisher.Mono;

/**
 * What the realtime gateway runs sessions through: it opens them (with a client secret, or with
 * an API key that starts or attaches to one) and reports their lifecycle, segments and usage.
 * Present on every node, whatever its roles. Every write is scoped by tenant: a call naming
 * another tenant's session changes nothing.
 */
@Component
public class Sessions {

	/** Why a session whose agent version or model disappeared before its socket opened was ended. */
	static final String AGENT_UNAVAILABLE = "agent_unavailable";

	/** Why a session whose tenant was suspended before its socket opened was ended. */
	static final String TENANT_SUSPENDED = TerminationReason.TENANT_SUSPENDED.code();

	/** Why a session was ended, or could not open, because a hard-capped budget is used up. */
	static final String BUDGET_EXHAUSTED = TerminationReason.BUDGET_EXHAUSTED.code();

	private static final Logger log = LoggerFactory.getLogger(Sessions.class);

	private final SessionStarter starter;

	private final SessionRepository sessions;

	private final SegmentRepository segments;

	private final ResumeRepository resumes;

	private final UsageRepository usage;

	private final StopRepository stops;

	private final ClientSecretStore secrets;

	private final AgentDirectory agents;

	private final ModelCatalog catalog;

	private final TenantDirectory tenants;

	private final SessionMeter meter;

	private final ObjectProvider<LiveSessions> live;

	Sessions(SessionStarter starter, SessionRepository sessions, SegmentRepository segments, ResumeRepository resumes,
			UsageRepository usage, StopRepository stops, ClientSecretStore secrets, AgentDirectory agents,
			ModelCatalog catalog, TenantDirectory tenants, SessionMeter meter, ObjectProvider<LiveSessions> live) {
		this.starter = starter;
		this.sessions = sessions;
		this.segments = segments;
		this.resumes = resumes;
		this.usage = usage;
		this.stops = stops;
		this.secrets = secrets;
		this.agents = agents;
		this.catalog = catalog;
		this.tenants = tenants;
		this.meter = meter;
		this.live = live;
	}

	/**
	 * Redeems a client secret for its one socket.
	 * @param sessionId the session the client named, if any: a secret of another one is not used up
	 * @return the session; empty when the secret is unknown, expired or already used, for another
	 * session than the one named, its session was ended, or its tenant is suspended
	 */
	public Mono<SessionGrant> redeemClientSecret(String secret, @Nullable String sessionId) {
		if (!ClientSecrets.plausible(secret)) {
			return Mono.empty();
		}
		return this.secrets.redeem(secret, sessionId).flatMap((claimed) -> grant(claimed.tenantId(), claimed.sessionId()));
	}

	/**
	 * Server-side connect with an API key and {@code ?agent=} (or {@code ?model=agt_...}): creates a
	 * session with the same admission as {@code POST /v1/sessions}, already opened by this caller.
	 * @return the session; errors with a {@code ProblemException}: 403 for a key that may not
	 * start sessions, 404 for an unknown agent, 422 for an agent that cannot run, 429 when the
	 * tenant's quota or the compute pool is full
	 */
	public Mono<SessionGrant> startForCaller(Caller caller, String agentId) {
		return this.starter
			.start(caller, new SessionStarter.StartRequest(agentId, null, null, Map.of(), null, null))
			.map((started) -> new SessionGrant(started.session().id(), started.session().tenantId(),
					started.session().conversationId(), started.continuedConversation(), started.agent(),
					started.model(), started.session().metadata(), started.session().createdAt(), null));
	}

	/**
	 * Server-side connect with an API key to a session created by {@code POST /v1/sessions}. It
	 * uses up the session's client secret, so the session still opens only one socket.
	 * @return the session; empty unless it is the caller's tenant's, still waiting for its socket
	 * and its secret unused and unexpired; errors with 403 for a key that may not start sessions
	 */
	public Mono<SessionGrant> attachForCaller(Caller caller, String sessionId) {
		return Mono.defer(() -> {
			String tenantId = caller.tenantId();
			if (tenantId == null) {
				return Mono.empty();
			}
			caller.requireWriter();
			return this.secrets.redeemForSession(tenantId, sessionId, caller.credentialId())
				.flatMap((claimed) -> grant(claimed.tenantId(), claimed.sessionId()));
		});
	}

	/**
	 * Records that a socket on {@code nodeId} runs the session; a session not waiting for one is left
	 * as it is. Should it have been asked to stop (and so ended) while its socket was opening, after
	 * that socket was let in, the socket is ended here at once: no poll would find it, as it never
	 * became active on this node.
	 */
	public Mono<Void> markActive(String tenantId, String sessionId, String nodeId) {
		return this.sessions.markActive(tenantId, sessionId, nodeId)
			.flatMap((activated) -> activated ? Mono.<StopRequest>empty() : this.stops.findStop(tenantId, sessionId))
			.doOnNext((stop) -> this.live.orderedStream()
				.forEach((node) -> node.terminate(sessionId, stop.reason(), stop.message())))
			.then();
	}

	/**
	 * Arms resume for the session this node runs: a new resume token, whose hash replaces the one
	 * before (which stops working).
	 * @return the token; empty when the session is not active on this node
	 */
	public Mono<String> armResume(String tenantId, String sessionId, String nodeId) {
		return this.resumes.armResume(tenantId, sessionId, nodeId);
	}

	/**
	 * The session a client asks to resume with {@code token}, checked as a first socket is (tenant
	 * active, agent version runnable, budget left), or why not:
	 * @return the grant to run it with; empty when the token is unknown or used, the session ended,
	 * was asked to stop, or its grace period is over; errors with {@link StillConnected} when the session is still
	 * active (its old socket not yet seen to drop)
	 */
	public Mono<SessionGrant> resumable(String sessionId, String token) {
		if (!ResumeTokens.plausible(token)) {
			return Mono.empty();
		}
		return this.resumes.findByResumeToken(sessionId, token).flatMap((found) -> {
			if (Session.ACTIVE.equals(found.status())) {
				return Mono.error(new StillConnected(sessionId, found.nodeId()));
			}
			// asked to stop from outside: it ends with that reason, never resumed
			if (!Session.DETACHED.equals(found.status()) || !found.inGrace() || found.stopped()) {
				return Mono.empty();
			}
			return grant(found.tenantId(), sessionId).map((grant) -> grant.resuming(token));
		});
	}

	/** A session asked to be resumed still runs on {@code nodeId}: its old socket has not been seen to drop. */
	public static final class StillConnected extends RuntimeException {

		private final @Nullable String nodeId;

		StillConnected(String sessionId, @Nullable String nodeId) {
			super("session " + sessionId + " is still connected", null, false, false);
			this.nodeId = nodeId;
		}

		public @Nullable String nodeId() {
			return this.nodeId;
		}

	}

	/**
	 * Claims a detached session for this node with the token its client presented: of two nodes
	 * resuming it at once, one wins.
	 * @return where it continues from; empty when the token is no longer good for it
	 */
	public Mono<ResumeState> claimResume(String tenantId, String sessionId, String token, String nodeId) {
		return this.resumes.claimResume(tenantId, sessionId, token, nodeId);
	}

	/**
	 * Leaves the session this node runs resumable for {@code grace}: its socket is gone (or its node
	 * stops) and its upstream closed; a client with its resume token may continue it on any node.
	 * @return whether it was detached; false when it was not active here (ended meanwhile)
	 */
	public Mono<Boolean> markDetached(String tenantId, String sessionId, String nodeId, Duration grace) {
		return this.resumes.markDetached(tenantId, sessionId, nodeId, grace);
	}

	/** Stores the session object as the client last configured it, for a resume to restore. */
	public Mono<Void> saveConfig(String tenantId, String sessionId, String session) {
		return this.resumes.saveConfig(tenantId, sessionId, session);
	}

	/**
	 * Ends the session and its open segments, then meters its time ({@code session_seconds},
	 * {@code compute_seconds}); idempotent, and the first reason wins.
	 */
	public Mono<Void> markEnded(String tenantId, String sessionId, String endReason) {
		return this.sessions.markEnded(tenantId, sessionId, endReason).then(this.meter.meterEnded(tenantId, sessionId));
	}

	/**
	 * Ends the session as the node {@code nodeId} that runs it sees it end, then meters it: only
	 * while the session is still that node's (or still waiting for its first socket). One adopted
	 * from the node after its lease lapsed, or resumed elsewhere meanwhile, is left as another node
	 * made it, so a node that lost its lease never writes over the new state.
	 */
	public Mono<Void> markEndedOn(String tenantId, String sessionId, String nodeId, String endReason) {
		// metered whoever ended it: metering is idempotent, and a session still running elsewhere has nothing to meter
		return this.sessions.markEndedOn(tenantId, sessionId, nodeId, endReason)
			.then(this.meter.meterEnded(tenantId, sessionId));
	}

	/**
	 * A response ended: adds its usage to the session's totals ({@code responses} too) and stores
	 * its latency, in one statement; a repeat of the same response adds nothing.
	 */
	public Mono<Void> finishResponse(String tenantId, String sessionId, UsageTotals delta, ResponseLatency latency) {
		return this.usage.finishResponse(tenantId, sessionId, delta, latency);
	}

	/**
	 * Adds {@code delta} to the session's usage totals ({@code responses} too), once per {@code key}:
	 * a repeat of the key adds nothing.
	 */
	public Mono<Void> addUsage(String tenantId, String sessionId, String key, UsageTotals delta) {
		return this.usage.addUsage(tenantId, sessionId, key, delta);
	}

	/**
	 * Ends the session its engine on {@code nodeId} stopped: its segment {@code segment}, then the
	 * session (the first reason wins; only while it is still that node's, as {@link #markEndedOn}
	 * says) as of {@code endedAt}, then meters its time. Idempotent, so a retry or a replay is safe.
	 * @return completes once all of it is stored; errors when the database does (unlike
	 * {@link #markEnded}, metering errors too), so the caller may retry the whole
	 */
	public Mono<Void> end(String tenantId, String sessionId, String nodeId, int segment, String endReason,
			Instant endedAt) {
		return this.segments.endSegment(tenantId, sessionId, segment)
			.then(this.sessions.markEndedOn(tenantId, sessionId, nodeId, endReason, endedAt))
			.then(this.meter.record(tenantId, sessionId));
	}

	/**
	 * Records that segment {@code sequence} (1 for the first) started on {@code provider}; a
	 * repeated sequence number is ignored, and so is a segment of an ended session.
	 * @param reason why it started, e.g. {@code start} or {@code rollover}
	 */
	public Mono<Void> startSegment(String tenantId, String sessionId, int sequence, String provider,
			@Nullable String upstreamId, String reason) {
		return this.segments.startSegment(tenantId, sessionId, sequence, provider, upstreamId, reason);
	}

	/** Records that segment {@code sequence} ended; an ended one keeps its first end. */
	public Mono<Void> endSegment(String tenantId, String sessionId, int sequence) {
		return this.segments.endSegment(tenantId, sessionId, sequence);
	}

	/**
	 * The grant of a session whose socket was just claimed. Should its tenant have been suspended,
	 * its agent version or model have gone, or a hard-capped budget have been used up since it was
	 * created, it cannot run: it is ended ({@code tenant_suspended}, {@code agent_unavailable},
	 * {@code budget_exhausted}) and the answer is empty.
	 */
	private Mono<SessionGrant> grant(String tenantId, String sessionId) {
		return this.sessions.find(tenantId, sessionId)
			.flatMap((session) -> this.tenants.find(tenantId)
				.map(TenantInfo::active)
				.defaultIfEmpty(false)
				.flatMap((active) -> active ? runnable(session) : cannotRun(session, TENANT_SUSPENDED)));
	}

	private Mono<SessionGrant> runnable(Session session) {
		return this.starter.withinBudget(session.tenantId(), session.agentId())
			.then(Mono.just(session))
			.flatMap(this::placeable)
			.onErrorResume(BudgetExceededException.class, (ex) -> cannotRun(session, BUDGET_EXHAUSTED));
	}

	private Mono<SessionGrant> placeable(Session session) {
		return this.agents.find(session.tenantId(), session.agentId(), session.agentVersion())
			.flatMap((agent) -> this.catalog.findModel(session.model())
				.flatMap((model) -> this.sessions.continuesConversation(session.tenantId(), session.id())
					.map((continued) -> new SessionGrant(session.id(), session.tenantId(), session.conversationId(),
							continued, SessionStarter.withOverrides(agent, session.configOverrides()), model,
							session.metadata(), session.createdAt(), null))))
			.switchIfEmpty(Mono.defer(() -> cannotRun(session, AGENT_UNAVAILABLE)));
	}

	private Mono<SessionGrant> cannotRun(Session session, String reason) {
		log.info("Session {} of tenant {} cannot run: {}", session.id(), session.tenantId(), reason);
		return this.sessions.markEnded(session.tenantId(), session.id(), reason).then(Mono.empty());
	}

}

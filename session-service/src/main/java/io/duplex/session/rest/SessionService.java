package io.duplex.session.rest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.duplex.core.audit.AuditEntry;
import io.duplex.core.audit.AuditTrail;
import io.duplex.core.id.Ids;
import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.security.Caller;
import io.duplex.core.usage.SessionCosts;
import io.duplex.core.web.Problems;
import io.duplex.session.admission.Admission;
import io.duplex.session.latency.ResponseLatencies;
import io.duplex.session.lifecycle.LiveSessions;
import io.duplex.session.lifecycle.Session;
import io.duplex.session.lifecycle.SessionMeter;
import io.duplex.session.lifecycle.SegmentRepository;
import io.duplex.session.lifecycle.SessionRepository;
import io.duplex.session.lifecycle.SessionStarter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Session rules of the REST API: tenant keys only; tenant admins and developers create and end,
 * every role reads; another tenant's session does not exist (404). Creating is
 * {@link SessionStarter}'s, with its errors.
 */
@Service
class SessionService {

	/** The end reason of a session ended with {@code POST /v1/sessions/{id}/end}. */
	static final String ENDED_BY_API = "ended_by_api";

	private static final Set<String> STATUSES = Set.of(Session.CREATED, Session.ACTIVE, Session.DETACHED,
			Session.ENDED);

	private static final Logger log = LoggerFactory.getLogger(SessionService.class);

	private final SessionStarter starter;

	private final SessionRepository sessions;

	private final SegmentRepository segments;

	private final Admission admission;

	private final AuditTrail audit;

	private final TransactionalOperator tx;

	private final ObjectProvider<LiveSessions> live;

	private final SessionMeter meter;

	private final ObjectProvider<SessionCosts> costs;

	private final ResponseLatencies latencies;

	SessionService(SessionStarter starter, SessionRepository sessions, SegmentRepository segments, Admission admission,
			AuditTrail audit, TransactionalOperator tx, ObjectProvider<LiveSessions> live, SessionMeter meter,
			ObjectProvider<SessionCosts> costs, ResponseLatencies latencies) {
		this.starter = starter;
		this.sessions = sessions;
		this.segments = segments;
		this.admission = admission;
		this.audit = audit;
		this.tx = tx;
		this.live = live;
		this.meter = meter;
		this.costs = costs;
		this.latencies = latencies;
	}

	/** Which sessions a list shows; {@code null} filters nothing. */
	record Filter(@Nullable String agent, @Nullable String status, @Nullable Instant createdAfter,
			@Nullable Instant createdBefore) {

		/** Reads the query parameters; a bad one answers 422 naming it. */
		static Filter of(@Nullable String agent, @Nullable String status, @Nullable String createdAfter,
				@Nullable String createdBefore) {
			if (status != null && !STATUSES.contains(status)) {
				throw Problems.validation("status", "must be created, active, detached or ended");
			}
			return new Filter(agent, status, time("created_after", createdAfter), time("created_before", createdBefore));
		}

		private static @Nullable Instant time(String name, @Nullable String value) {
			if (value == null) {
				return null;
			}
			try {
				return OffsetDateTime.parse(value).toInstant();
			}
			catch (DateTimeParseException ex) {
				throw Problems.validation(name, "must be an RFC 3339 timestamp such as 2026-11-21T10:00:00Z");
			}
		}

	}

	Mono<SessionStarter.Started> create(Caller caller, CreateSessionRequest request) {
		return this.starter.start(caller,
				new SessionStarter.StartRequest(request.agent(), request.agentVersion(), request.conversation(),
						Objects.requireNonNullElse(request.metadata(), Map.of()),
						Objects.requireNonNullElse(request.expiresAfterSeconds(), ClientSecretRequest.DEFAULT_SECONDS),
						null));
	}

	/** OpenAI's client secret: a session of the agent {@code session.model} names, and its secret. */
	Mono<ClientSecretResponse> createClientSecret(Caller caller, ClientSecretRequest request) {
		int seconds = secondsOf(request.expiresAfter());
		JsonNode session = request.session();
		if (session == null || !session.isObject()) {
			throw Problems.validation("session", "must be a realtime session configuration whose model names the agent");
		}
		String agentId = session.path("model").asString(null);
		if (agentId == null || !Ids.looksLike("agt", agentId)) {
			throw Problems.validation("session.model", "must be the id of one of your agents (agt_...)");
		}
		return this.starter
			.start(caller, new SessionStarter.StartRequest(agentId, null, null, Map.of(), seconds, session))
			.map((started) -> new ClientSecretResponse(started.requireSecret().value(),
					started.requireSecret().expiresAt().getEpochSecond(),
					RealtimeSessionObject.of(started.agent(), started.session().id())));
	}

	private static int secondsOf(ClientSecretRequest.@Nullable ExpiresAfter expiresAfter) {
		if (expiresAfter == null) {
			return ClientSecretRequest.DEFAULT_SECONDS;
		}
		if (expiresAfter.anchor() != null && !expiresAfter.anchor().equals("created_at")) {
			throw Problems.validation("expires_after.anchor", "must be created_at");
		}
		Long seconds = expiresAfter.seconds();
		if (seconds == null) {
			return ClientSecretRequest.DEFAULT_SECONDS;
		}
		if (seconds < ClientSecretRequest.MIN_SECONDS || seconds > ClientSecretRequest.MAX_SECONDS) {
			throw Problems.validation("expires_after.seconds", "must be between " + ClientSecretRequest.MIN_SECONDS
					+ " and " + ClientSecretRequest.MAX_SECONDS);
		}
		return seconds.intValue();
	}

	/** The tenant's session with its segments; 404 when the tenant has none with this id. */
	Mono<SessionResponse> require(Caller caller, String id) {
		String tenantId = caller.requireTenant();
		return this.admission.endNeverConnected(tenantId).then(view(tenantId, id));
	}

	Mono<Page<SessionResponse>> list(Caller caller, Filter filter, PageRequest page) {
		String tenantId = caller.requireTenant();
		return this.admission.endNeverConnected(tenantId)
			.thenMany(Flux.defer(() -> this.sessions.list(tenantId, filter.agent(), filter.status(),
					filter.createdAfter(), filter.createdBefore(), page)))
			.collectList()
			.flatMap((rows) -> this.segments.segments(tenantId, rows.stream().map(Session::id).toList())
				.map((segments) -> {
					Instant now = Instant.now();
					return Page.of(rows, page, Session::id)
						.map((session) -> SessionResponse.from(session,
								segments.getOrDefault(session.id(), List.of()), now));
				}));
	}

	/**
	 * Ends a created or active session with reason {@code ended_by_api}: records it, meters its
	 * time, then asks the node that runs it to close its socket. An ended session is answered as it is.
	 */
	Mono<SessionResponse> end(Caller caller, String id) {
		String tenantId = caller.requireTenant();
		caller.requireWriter();
		return this.sessions.find(tenantId, id).switchIfEmpty(Mono.error(() -> notFound(id))).flatMap((session) -> {
			if (session.ended()) {
				return view(tenantId, id);
			}
			return this.sessions.markEnded(tenantId, id, ENDED_BY_API)
				.flatMap((ended) -> ended ? this.audit.record(new AuditEntry(tenantId, caller, "session.ended",
						"session", id, Map.of("reason", ENDED_BY_API, "status_before", session.status()))) : Mono.empty())
				.as(this.tx::transactional)
				.then(this.meter.meterEnded(tenantId, id))
				.then(endLive(id))
				.then(view(tenantId, id));
		});
	}

	/**
	 * Asks every {@link LiveSessions} of this node to close the session's socket. A failure there
	 * is logged, not answered: the session is recorded as ended, which is what the caller asked.
	 */
	private Mono<Void> endLive(String id) {
		return Flux.fromStream(this.live::orderedStream)
			.concatMap((node) -> node.end(id, ENDED_BY_API).onErrorResume((ex) -> {
				log.warn("Could not end live session {}", id, ex);
				return Mono.just(false);
			}))
			.then();
	}

	/**
	 * One session, with its cost so far where billing is deployed (the cost port is billing's) and
	 * the latency figures of its responses.
	 */
	private Mono<SessionResponse> view(String tenantId, String id) {
		SessionCosts costs = this.costs.getIfAvailable();
		return this.sessions.find(tenantId, id)
			.switchIfEmpty(Mono.error(() -> notFound(id)))
			.flatMap((session) -> this.segments.segments(tenantId, List.of(id))
				.map((segments) -> SessionResponse.from(session, segments.getOrDefault(id, List.of()), Instant.now())))
			.flatMap((view) -> (costs == null) ? Mono.just(view)
					: costs.costOf(tenantId, id).map(view::withCost).defaultIfEmpty(view))
			.flatMap((view) -> this.latencies.summary(tenantId, id).map(view::withLatency));
	}

	private static RuntimeException notFound(String id) {
		return Problems.notFound("session " + id);
	}

}

package io.duplex.session.gateway;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.WebHandler;

import io.duplex.core.security.CallerResolver;
import io.duplex.core.web.ProblemException;
import io.duplex.core.web.ProblemWriter;
import io.duplex.core.web.Problems;
import io.duplex.session.node.NodeLease;
import io.duplex.session.lifecycle.SessionGrant;
import io.duplex.session.lifecycle.Sessions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Serves {@code GET /v1/realtime}: authenticates before the socket is upgraded, so a refused client gets
 * a plain HTTP problem (401, 404, 422, 429) rather than an open socket that closes at once.
 * <ul>
 * <li>{@code ?session=sess_…} with a client secret ({@code ek_…}) or an API key of the tenant</li>
 * <li>{@code ?agent=agt_…}, or {@code ?model=agt_…} as OpenAI's SDKs send it, with an API key:
 * a new session of that agent, admitted like {@code POST /v1/sessions}</li>
 * </ul>
 * The credential comes as {@code Authorization: Bearer …} or, from browsers, as the subprotocol
 * {@code openai-insecure-api-key.<credential>} offered with {@code realtime}.
 * <p>
 * {@code ?session=sess_…&resume_token=rt_…} resumes a detached session (its socket dropped, or
 * its server stopped) on this node, whichever node ran it before: the resume token is the
 * credential (a used client secret or an API key sent along is not needed, and not looked at).
 * Failed resumes are limited per client address ({@link ResumeGuard}): past the limit a resume
 * answers 429 with {@code Retry-After} before the session is looked up. The address is the
 * connection's peer, or the client named by {@code X-Forwarded-For} / {@code Forwarded} only when
 * the server trusts those headers ({@code server.forward-headers-strategy}), since Spring applies
 * them to the request's remote address then and only then.
 */
class RealtimeHandshake implements WebHandler {

	static final String PATH = "/v1/realtime";

	private static final String KEY_PROTOCOL = "openai-insecure-api-key.";

	private final Sessions sessions;

	private final List<CallerResolver> callers;

	private final ProblemWriter problems;

	private final WebSocketService upgrade;

	private final RealtimeSocketHandler sockets;

	private final LiveSessionRegistry live;

	private final String nodeId;

	private final NodeLease lease;

	private final ResumeGuard resumeGuard;

	private final Counter rateLimited;

	RealtimeHandshake(Sessions sessions, List<CallerResolver> callers, ProblemWriter problems, WebSocketService upgrade,
			RealtimeSocketHandler sockets, LiveSessionRegistry live, NodeLease lease, ResumeGuard resumeGuard,
			MeterRegistry meters) {
		this.sessions = sessions;
		this.callers = callers;
		this.problems = problems;
		this.upgrade = upgrade;
		this.sockets = sockets;
		this.live = live;
		this.nodeId = lease.nodeId();
		this.lease = lease;
		this.resumeGuard = resumeGuard;
		this.rateLimited = meters.counter("duplex.sessions.resumes", "outcome", "rate_limited");
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		if (!this.lease.held()) {
			// another node may be adopting what this one ran: no session may start here until the lease is back
			ProblemException problem = new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "node-unavailable",
					"Node unavailable", "This node is not taking sessions at the moment; connect again, to any node.");
			problem.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
			return this.problems.write(exchange, problem);
		}
		return grant(exchange)
			.flatMap((grant) -> this.upgrade.handleRequest(exchange, this.sockets.forGrant(grant)))
			.onErrorResume(ProblemException.class, (problem) -> this.problems.write(exchange, problem));
	}

	private Mono<SessionGrant> grant(ServerWebExchange exchange) {
		MultiValueMap<String, String> params = exchange.getRequest().getQueryParams();
		String resumeToken = params.getFirst("resume_token");
		if (resumeToken != null) {
			return resume(params.getFirst("session"), resumeToken,
					ResumeGuard.keyOf(exchange.getRequest().getRemoteAddress()));
		}
		String credential = credential(exchange.getRequest().getHeaders());
		if (credential == null) {
			return Mono.error(Problems.unauthorized("Send a client secret or an API key as 'Authorization: Bearer …' "
					+ "or as the WebSocket subprotocol 'openai-insecure-api-key.…'."));
		}
		MultiValueMap<String, String> query = exchange.getRequest().getQueryParams();
		String sessionId = query.getFirst("session");
		if (credential.startsWith("ek_")) {
			return this.sessions.redeemClientSecret(credential, sessionId)
				.switchIfEmpty(Mono.error(() -> Problems.unauthorized(
						"The client secret is unknown, expired, already used, or for another session.")));
		}
		return Flux.fromIterable(this.callers)
			.concatMap((resolver) -> resolver.resolve(credential))
			.next()
			.switchIfEmpty(Mono.error(() -> Problems.unauthorized(
					"The API key is unknown, revoked, or belongs to a suspended tenant.")))
			.flatMap((caller) -> {
				if (sessionId != null) {
					return this.sessions.attachForCaller(caller, sessionId)
						.switchIfEmpty(Mono.error(() -> Problems.notFound("session " + sessionId + " waiting for a socket")));
				}
				String agent = agentOf(query);
				if (agent == null) {
					return Mono.error(new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "validation-failed",
							"Validation failed", "Name the agent: ?agent=agt_… (or ?model=agt_…), or a session: ?session=sess_…",
							java.util.Map.of("param", "agent")));
				}
				return this.sessions.startForCaller(caller, agent);
			});
	}

	private Mono<SessionGrant> resume(@Nullable String sessionId, String token, String address) {
		if (sessionId == null) {
			return Mono.error(new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "validation-failed",
					"Validation failed", "Name the session to resume: ?session=sess_…&resume_token=rt_…",
					java.util.Map.of("param", "session")));
		}
		Duration wait = this.resumeGuard.tryAcquire(address);
		if (wait != null) {
			this.rateLimited.increment();
			long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
			ProblemException problem = new ProblemException(HttpStatus.TOO_MANY_REQUESTS, "resume-rate-limited",
					"Too many failed resumes", "Too many failed resume attempts came from this address; try again in "
							+ seconds + " s.");
			problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
			return Mono.error(problem);
		}
		// only an unknown token (empty) keeps the attempt taken: a resume, or any other answer, gives it back
		return lookUpResumable(sessionId, token).doOnNext((grant) -> this.resumeGuard.release(address))
			.doOnError((error) -> this.resumeGuard.release(address))
			.switchIfEmpty(Mono.error(() -> Problems.unauthorized("The resume token is unknown or already used, "
					+ "or the session has ended or its grace period is over.")));
	}

	private Mono<SessionGrant> lookUpResumable(String sessionId, String token) {
		return this.sessions.resumable(sessionId, token)
			.onErrorResume(Sessions.StillConnected.class, (connected) -> {
				if (!this.nodeId.equals(connected.nodeId())) {
					ProblemException problem = Problems.conflict("session-still-connected", "Session still connected",
							"Session " + sessionId + " still runs on another socket; close that one, or retry once "
									+ "the server has seen it drop.");
					problem.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
					return Mono.error(problem);
				}
				// its old socket here has not been seen to drop yet: the client is on a new one
				return this.live.detachForResume(sessionId).then(this.sessions.resumable(sessionId, token));
			});
	}

	private static @Nullable String agentOf(MultiValueMap<String, String> query) {
		String agent = query.getFirst("agent");
		if (agent != null) {
			return agent;
		}
		String model = query.getFirst("model");
		return (model != null && model.startsWith("agt_")) ? model : null;
	}

	/** The bearer token, or the key a browser put in its subprotocol offer. */
	static @Nullable String credential(HttpHeaders headers) {
		String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return authorization.substring(7).trim();
		}
		for (String offered : headers.getOrEmpty("Sec-WebSocket-Protocol")) {
			for (String protocol : offered.split(",")) {
				String trimmed = protocol.trim();
				if (trimmed.startsWith(KEY_PROTOCOL) && trimmed.length() > KEY_PROTOCOL.length()) {
					return trimmed.substring(KEY_PROTOCOL.length());
				}
			}
		}
		return null;
	}

}

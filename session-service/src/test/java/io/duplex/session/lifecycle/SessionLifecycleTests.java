package io.duplex.session.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import io.duplex.session.rest.SessionApiTestSupport;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session's life as the gateway reports it (active, segments, usage, end) and as the API shows
 * it, and ending one through the API, which also asks the node that runs it to close it.
 */
@Import(SessionLifecycleTests.RecordingNode.class)
class SessionLifecycleTests extends SessionApiTestSupport {

	@Autowired
	private RecordingNode node;

	@Autowired
	private SegmentRepository repository;

	@Test
	void getThenSegmentsAndUsageAsTheGatewayReportedThem() {
		TestTenant tenant = newTenant();
		String id = createSession(tenant.adminKey(), newAgent(tenant.adminKey())).get("id").toString();
		this.sessions.markActive(tenant.id(), id, "node_a")
			.then(this.sessions.startSegment(tenant.id(), id, 1, "sandbox", "up_1", "start"))
			.then(this.sessions.startSegment(tenant.id(), id, 1, "sandbox", "up_1", "start"))
			.then(this.sessions.addUsage(tenant.id(), id, "usage_1", new UsageTotals(1, 10, 200, 4, 50, 30, 400)))
			.then(this.sessions.endSegment(tenant.id(), id, 1))
			.then(this.sessions.startSegment(tenant.id(), id, 2, "sandbox", null, "rollover"))
			.then(this.sessions.addUsage(tenant.id(), id, "usage_2", new UsageTotals(2, 5, 100, 0, 0, 7, 80)))
			// a repeat of a key (a retried or replayed write) adds nothing
			.then(this.sessions.addUsage(tenant.id(), id, "usage_2", new UsageTotals(2, 5, 100, 0, 0, 7, 80)))
			.as(StepVerifier::create)
			.verifyComplete();
		Map<String, Object> session = session(tenant.adminKey(), id);
		assertThat(session).containsEntry("status", "active").containsEntry("ended_at", null);
		assertThat(session.get("started_at")).isNotNull();
		assertThat(((Number) session.get("duration_seconds")).doubleValue()).isGreaterThanOrEqualTo(0);
		List<?> segments = (List<?>) session.get("segments");
		assertThat(segments).hasSize(2);
		Map<String, Object> first = object(segments.get(0));
		Map<String, Object> second = object(segments.get(1));
		assertThat(first).containsEntry("sequence", 1)
			.containsEntry("provider", "sandbox")
			.containsEntry("upstream_id", "up_1")
			.containsEntry("reason", "start");
		assertThat(first.get("ended_at")).isNotNull();
		assertThat(second).containsEntry("sequence", 2)
			.containsEntry("upstream_id", null)
			.containsEntry("reason", "rollover")
			.containsEntry("ended_at", null);
		assertThat(session.get("usage")).isEqualTo(Map.of("responses", 3, "input_text_tokens", 15,
				"input_audio_tokens", 300, "cached_text_tokens", 4, "cached_audio_tokens", 50, "output_text_tokens", 37,
				"output_audio_tokens", 480, "total_tokens", 832));
		this.sessions.markEnded(tenant.id(), id, "client_closed")
			.then(this.sessions.markEnded(tenant.id(), id, "idle_timeout"))
			.as(StepVerifier::create)
			.verifyComplete();
		Map<String, Object> ended = session(tenant.adminKey(), id);
		assertThat(ended).containsEntry("status", "ended").containsEntry("end_reason", "client_closed");
		assertThat(((List<?>) ended.get("segments")).stream().map((segment) -> ((Map<?, ?>) segment).get("ended_at")))
			.doesNotContainNull();
	}

	@Test
	void endThenEndedByApiLiveNodeAskedAuditedAndAnEndedSessionAnsweredUnchanged() {
		TestTenant tenant = newTenant();
		String id = createSession(tenant.adminKey(), newAgent(tenant.adminKey())).get("id").toString();
		this.sessions.markActive(tenant.id(), id, "node_a").as(StepVerifier::create).verifyComplete();
		String developer = newKey(tenant.id(), "developer");
		Map<String, Object> ended = end(developer, id);
		assertThat(ended).containsEntry("status", "ended").containsEntry("end_reason", "ended_by_api");
		assertThat(ended.get("ended_at")).isNotNull();
		assertThat(this.node.ended).contains(id + " ended_by_api");
		assertThat(end(tenant.adminKey(), id)).isEqualTo(ended);
		this.sessions.markEnded(tenant.id(), id, "client_closed").as(StepVerifier::create).verifyComplete();
		assertThat(session(tenant.adminKey(), id)).containsEntry("end_reason", "ended_by_api");
		List<?> audit = (List<?>) get(as(tenant.adminKey()), "/v1/audit?resource_id=" + id).get("data");
		assertThat(audit.stream().map((event) -> object(event).get("action")))
			.containsExactly("session.ended", "session.created");
		assertThat(this.node.ended.stream().filter((call) -> call.startsWith(id))).hasSize(1);
	}

	@Test
	void endACreatedSessionThenItsSecretOpensNothing() {
		TestTenant tenant = newTenant();
		Map<String, Object> created = createSession(tenant.adminKey(), newAgent(tenant.adminKey()));
		assertThat(end(tenant.adminKey(), created.get("id").toString())).containsEntry("status", "ended")
			.containsEntry("started_at", null)
			.containsEntry("duration_seconds", null);
		this.sessions.redeemClientSecret(secretOf(created), null).as(StepVerifier::create).verifyComplete();
	}

	@Test
	void listThenNewestFirstFilteredAndPaged() {
		TestTenant tenant = newTenant();
		String agentA = newAgent(tenant.adminKey());
		String agentB = newAgent(tenant.adminKey());
		String a1 = createSession(tenant.adminKey(), agentA).get("id").toString();
		Instant between = Instant.now();
		String a2 = createSession(tenant.adminKey(), agentA).get("id").toString();
		String a3 = createSession(tenant.adminKey(), agentA).get("id").toString();
		String b1 = createSession(tenant.adminKey(), agentB).get("id").toString();
		end(tenant.adminKey(), a2);
		String viewer = newKey(tenant.id(), "viewer");
		assertThat(ids("/v1/sessions", viewer)).containsExactly(b1, a3, a2, a1);
		assertThat(ids("/v1/sessions?agent=" + agentA, viewer)).containsExactly(a3, a2, a1);
		assertThat(ids("/v1/sessions?status=ended", viewer)).containsExactly(a2);
		assertThat(ids("/v1/sessions?status=created&agent=" + agentA, viewer)).containsExactly(a3, a1);
		assertThat(ids("/v1/sessions?created_after=" + between, viewer)).containsExactly(b1, a3, a2);
		assertThat(ids("/v1/sessions?created_before=" + between, viewer)).containsExactly(a1);
		Map<String, Object> first = get(as(viewer), "/v1/sessions?limit=3");
		assertThat(first).containsEntry("object", "list")
			.containsEntry("has_more", true)
			.containsEntry("first_id", b1)
			.containsEntry("last_id", a2);
		Map<String, Object> second = get(as(viewer), "/v1/sessions?limit=3&after=" + a2);
		assertThat(second).containsEntry("has_more", false).containsEntry("first_id", a1);
		Map<String, Object> listed = object(((List<?>) first.get("data")).get(2));
		assertThat(listed).containsEntry("id", a2)
			.containsEntry("status", "ended")
			.containsEntry("end_reason", "ended_by_api")
			.containsKeys("segments", "usage", "metadata", "conversation");
		for (String bad : List.of("status=open", "created_after=yesterday", "created_before=2026-11-21")) {
			String param = bad.substring(0, bad.indexOf('='));
			as(viewer).get()
				.uri("/v1/sessions?" + bad)
				.exchange()
				.expectStatus()
				.isEqualTo(422)
				.expectBody()
				.jsonPath("$.param")
				.isEqualTo(param);
		}
	}

	@Test
	void markActiveWhenSessionWasAskedToStopWhileItsSocketOpenedThenTheSocketIsEndedAtOnce() {
		TestTenant tenant = newTenant();
		String id = createSession(tenant.adminKey(), newAgent(tenant.adminKey())).get("id").toString();
		// its secret let a socket in; the tenant is suspended before that socket marks it active, so
		// the session is ended in the record and no node's poll finds it as its own
		asPlatformAdmin().post().uri("/v1/tenants/{id}/suspend", tenant.id()).exchange().expectStatus().isOk();
		this.sessions.markActive(tenant.id(), id, "node_a").as(StepVerifier::create).verifyComplete();
		assertThat(this.node.ended).contains(id + " tenant_suspended");
		// what the opening socket records next stays out of the ended session
		this.sessions.startSegment(tenant.id(), id, 1, "sandbox", null, "initial")
			.as(StepVerifier::create)
			.verifyComplete();
		assertThat(this.repository.segments(tenant.id(), List.of(id)).block(Duration.ofSeconds(10))).isEmpty();
	}

	private List<Object> ids(String uri, String key) {
		return ((List<?>) get(as(key), uri).get("data")).stream()
			.<Object>map((session) -> ((Map<?, ?>) session).get("id"))
			.toList();
	}

	/** Stands in for the gateway's live sessions on this node: records what it is asked to end. */
	static class RecordingNode implements LiveSessions {

		final List<String> ended = new CopyOnWriteArrayList<>();

		/** The node the tests mark their sessions active on. */
		@Override
		public String nodeId() {
			return "node_a";
		}

		@Override
		public Mono<Boolean> end(String sessionId, String reason) {
			this.ended.add(sessionId + " " + reason);
			return Mono.just(true);
		}

		@Override
		public boolean terminate(String sessionId, String code, String message) {
			this.ended.add(sessionId + " " + code);
			return true;
		}

	}

}

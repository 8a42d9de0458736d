package io.duplex.session.admission;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

import io.duplex.core.security.Caller;
import io.duplex.core.security.Role;
import io.duplex.core.web.ProblemException;
import io.duplex.session.lifecycle.SessionGrant;
import io.duplex.session.rest.SessionApiTestSupport;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admission control: a tenant's concurrent sessions stay within its quota and a compute pool's
 * within its capacity, also under concurrent creates; sessions that never connect stop counting.
 */
class AdmissionTests extends SessionApiTestSupport {

	@Test
	void createWhenTenantQuotaIsFullThen429WithRetryAfterUntilASessionEnds() {
		TestTenant tenant = newTenant(2);
		String agent = newAgent(tenant.adminKey());
		String first = createSession(tenant.adminKey(), agent).get("id").toString();
		createSession(tenant.adminKey(), agent);
		as(tenant.adminKey()).post()
			.uri("/v1/sessions")
			.bodyValue(Map.of("agent", agent))
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "10")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "session-quota-exceeded")
			.jsonPath("$.limit")
			.isEqualTo(2);
		this.sessions.markActive(tenant.id(), first, "node_a").as(StepVerifier::create).verifyComplete();
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent), 429);
		this.sessions.markEnded(tenant.id(), first, "client_closed").as(StepVerifier::create).verifyComplete();
		createSession(tenant.adminKey(), agent);
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent), 429);
	}

	@Test
	void createWhenRefusedWith429ThenARetryWithTheSameIdempotencyKeyRunsAgainOnceThereIsRoom() {
		TestTenant tenant = newTenant(1);
		String agent = newAgent(tenant.adminKey());
		String first = createSession(tenant.adminKey(), agent).get("id").toString();
		as(tenant.adminKey()).post()
			.uri("/v1/sessions")
			.header("Idempotency-Key", "retry-me")
			.bodyValue(Map.of("agent", agent))
			.exchange()
			.expectStatus()
			.isEqualTo(429);
		this.sessions.markEnded(tenant.id(), first, "client_closed").as(StepVerifier::create).verifyComplete();
		as(tenant.adminKey()).post()
			.uri("/v1/sessions")
			.header("Idempotency-Key", "retry-me")
			.bodyValue(Map.of("agent", agent))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.doesNotExist("Idempotent-Replayed");
	}

	@Test
	void createWhenQuotaIsZeroThen429AndOtherTenantsAreNotCounted() {
		TestTenant full = newTenant(0);
		createSessionExpecting(full.adminKey(), Map.of("agent", newAgent(full.adminKey())), 429).jsonPath("$.type")
			.isEqualTo(PROBLEMS + "session-quota-exceeded");
		TestTenant other = newTenant(1);
		createSession(other.adminKey(), newAgent(other.adminKey()));
	}

	@Test
	void createWhenComputePoolIsFullThen429ForEveryTenantUntilASessionEnds() {
		TestPlacement placement = newPlacement(1);
		TestTenant tenant = newTenant(100);
		TestTenant neighbour = newTenant(100);
		String agent = newAgent(tenant.adminKey(), placement.agentFields());
		String neighboursAgent = newAgent(neighbour.adminKey(), placement.agentFields());
		Map<String, Object> created = createSession(tenant.adminKey(), agent);
		assertThat(created).containsEntry("region", placement.region()).containsEntry("compute", placement.compute());
		as(neighbour.adminKey()).post()
			.uri("/v1/sessions")
			.bodyValue(Map.of("agent", neighboursAgent))
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "compute-pool-full")
			.jsonPath("$.compute")
			.isEqualTo(placement.compute());
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent), 429);
		end(tenant.adminKey(), created.get("id").toString());
		createSession(neighbour.adminKey(), neighboursAgent);
	}

	@Test
	void createWhenTenantHoldsItsShareOfALargePoolThen429NamingTheShareWhileAnotherTenantGetsIn() {
		// a pool of 12: above the 10 from which the default share of 50 % applies, so 6 per tenant
		TestPlacement placement = newPlacement(12);
		TestTenant greedy = newTenant(100);
		TestTenant neighbour = newTenant(100);
		String agent = newAgent(greedy.adminKey(), placement.agentFields());
		for (int i = 0; i < 6; i++) {
			createSession(greedy.adminKey(), agent);
		}
		as(greedy.adminKey()).post()
			.uri("/v1/sessions")
			.bodyValue(Map.of("agent", agent))
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "10")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "pool-share-exceeded")
			.jsonPath("$.limit")
			.isEqualTo(6)
			.jsonPath("$.max_pool_share")
			.isEqualTo(50)
			.jsonPath("$.region")
			.isEqualTo(placement.region())
			.jsonPath("$.compute")
			.isEqualTo(placement.compute());
		String neighboursAgent = newAgent(neighbour.adminKey(), placement.agentFields());
		String neighbours = createSession(neighbour.adminKey(), neighboursAgent).get("id").toString();
		assertThat(session(neighbour.adminKey(), neighbours)).containsEntry("status", "created");
		// the greedy tenant's other agents run elsewhere: its quota is not the pool's share
		createSession(greedy.adminKey(), newAgent(greedy.adminKey()));
	}

	@Test
	void concurrentCreatesOfOneTenantNeverExceedItsShareOfAPool() {
		TestPlacement placement = newPlacement(12);
		TestTenant tenant = newTenant(100);
		String agent = newAgent(tenant.adminKey(), placement.agentFields());
		WebClient web = WebClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.adminKey())
			.build();
		Flux.range(0, 10)
			.flatMap((i) -> web.post()
				.uri("/v1/sessions")
				.bodyValue(Map.of("agent", agent))
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())), 10)
			.collectList()
			.as(StepVerifier::create)
			.assertNext((statuses) -> {
				assertThat(statuses).filteredOn((status) -> status == 201).hasSize(6);
				assertThat(statuses).filteredOn((status) -> status == 429).hasSize(4);
			})
			.verifyComplete();
	}

	@Test
	void concurrentCreatesNeverExceedTheQuota() {
		TestTenant tenant = newTenant(3);
		String agent = newAgent(tenant.adminKey());
		WebClient web = WebClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.adminKey())
			.build();
		Flux.range(0, 10)
			.flatMap((i) -> web.post()
				.uri("/v1/sessions")
				.bodyValue(Map.of("agent", agent))
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())), 10)
			.collectList()
			.as(StepVerifier::create)
			.assertNext((statuses) -> {
				assertThat(statuses).filteredOn((status) -> status == 201).hasSize(3);
				assertThat(statuses).filteredOn((status) -> status == 429).hasSize(7);
			})
			.verifyComplete();
		assertThat((List<?>) get(as(tenant.adminKey()), "/v1/sessions?status=created").get("data")).hasSize(3);
	}

	@Test
	void sessionThatNeverConnectsStopsCountingWhenItsSecretExpiresAndEndsAsNeverConnected() {
		TestTenant tenant = newTenant(1);
		String agent = newAgent(tenant.adminKey());
		String abandoned = createSession(tenant.adminKey(), agent).get("id").toString();
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent), 429);
		expireSecretOf(abandoned);
		String next = createSession(tenant.adminKey(), agent).get("id").toString();
		Map<String, Object> ended = session(tenant.adminKey(), abandoned);
		assertThat(ended).containsEntry("status", "ended").containsEntry("end_reason", "never_connected");
		assertThat(ended.get("ended_at")).isNotNull();
		assertThat(session(tenant.adminKey(), next)).containsEntry("status", "created");
	}

	@Test
	void sessionWhoseSecretWasUsedKeepsItsSlotWhileTheGatewayConnectsIt() {
		TestTenant tenant = newTenant(1);
		String agent = newAgent(tenant.adminKey());
		Map<String, Object> created = createSession(tenant.adminKey(), agent);
		this.sessions.redeemClientSecret(secretOf(created), null).as(StepVerifier::create).expectNextCount(1).verifyComplete();
		expireSecretOf(created.get("id").toString());
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent), 429);
		assertThat(session(tenant.adminKey(), created.get("id").toString())).containsEntry("status", "created");
	}

	@Test
	void startForCallerUsesTheSameAdmission() {
		TestTenant tenant = newTenant(1);
		String agent = newAgent(tenant.adminKey());
		Caller caller = new Caller("key_test", tenant.id(), Role.DEVELOPER);
		this.sessions.startForCaller(caller, agent).as(StepVerifier::create).expectNextCount(1).verifyComplete();
		this.sessions.startForCaller(caller, agent)
			.as(StepVerifier::create)
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfSatisfying(ProblemException.class,
					(problem) -> assertThat(problem.slug()).isEqualTo("session-quota-exceeded")))
			.verify();
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent), 429);
		Mono<SessionGrant> viewer = this.sessions.startForCaller(new Caller("key_v", tenant.id(), Role.VIEWER), agent);
		viewer.as(StepVerifier::create)
			.expectErrorSatisfies((error) -> assertThat(((ProblemException) error).slug()).isEqualTo("forbidden"))
			.verify();
	}

}

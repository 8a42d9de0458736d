package io.duplex.session.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import io.duplex.core.agent.AgentConfig;
import io.duplex.core.security.Caller;
import io.duplex.core.security.Role;
import io.duplex.core.web.ProblemException;
import io.duplex.session.rest.SessionApiTestSupport;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** How the gateway opens sessions: a client secret opens exactly one socket; an API key starts or attaches. */
class SessionGrantTests extends SessionApiTestSupport {

	@Autowired
	private DatabaseClient db;

	@Test
	void redeemThenGrantOnceAndNeverAgain() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey(), Map.of("voice", "verse", "metadata", Map.of("team", "a")));
		Map<String, Object> created = createSession(tenant.adminKey(),
				Map.of("agent", agent, "metadata", Map.of("call", "7")));
		String secret = secretOf(created);
		this.sessions.redeemClientSecret(secret, null).as(StepVerifier::create).assertNext((grant) -> {
			assertThat(grant.sessionId()).isEqualTo(created.get("id"));
			assertThat(grant.tenantId()).isEqualTo(tenant.id());
			assertThat(grant.conversationId()).isEqualTo(created.get("conversation"));
			assertThat(grant.continuedConversation()).isFalse();
			assertThat(grant.agent().agentId()).isEqualTo(agent);
			assertThat(grant.agent().version()).isEqualTo(1);
			assertThat(grant.agent().config().voice()).isEqualTo("verse");
			assertThat(grant.model().id()).isEqualTo("sandbox");
			assertThat(grant.model().provider()).isEqualTo("sandbox");
			assertThat(grant.metadata()).isEqualTo(Map.of("team", "a", "call", "7"));
			assertThat(grant.createdAt()).isNotNull();
		}).verifyComplete();
		this.sessions.redeemClientSecret(secret, null).as(StepVerifier::create).verifyComplete();
	}

	@Test
	void redeemWhenAgentVersionStoredWithoutRolloverThenSessionHasThePolicyTheApiShows() {
		TestTenant tenant = newTenant();
		TestPlacement placement = newPlacement(5, 300);
		String agent = newAgent(tenant.adminKey(), placement.agentFields());
		// a version written without a rollover policy: version 2 is version 1 less its rollover
		this.db.sql("INSERT INTO control.agent_version (agent_id, tenant_id, version, config, created_at, created_by) "
				+ "SELECT agent_id, tenant_id, 2, config - 'rollover', created_at, created_by "
				+ "FROM control.agent_version WHERE tenant_id = :tenantId AND agent_id = :agentId AND version = 1")
			.bind("tenantId", tenant.id())
			.bind("agentId", agent)
			.then()
			.then(this.db.sql("UPDATE control.agent SET version = 2 WHERE tenant_id = :tenantId AND id = :agentId")
				.bind("tenantId", tenant.id())
				.bind("agentId", agent)
				.then())
			.block();
		Map<String, Object> shown = object(get(as(tenant.adminKey()), "/v1/agents/" + agent).get("rollover"));
		// the model caps sessions at 300 s: the default is 30 s before that, not 900
		assertThat(shown).containsEntry("after_seconds", 270).containsEntry("carry", "full");
		String secret = secretOf(createSession(tenant.adminKey(), agent));
		this.sessions.redeemClientSecret(secret, null).as(StepVerifier::create).assertNext((grant) -> {
			assertThat(grant.agent().version()).isEqualTo(2);
			assertThat(grant.agent().config().rollover()).isEqualTo(new AgentConfig.Rollover(
					(Integer) shown.get("after_seconds"), (String) shown.get("carry"),
					(Integer) shown.get("max_carried_tokens")));
		}).verifyComplete();
	}

	@Test
	void redeemWhenSecretExpiredUnknownOrMalformedThenEmpty() {
		TestTenant tenant = newTenant();
		Map<String, Object> created = createSession(tenant.adminKey(),
				Map.of("agent", newAgent(tenant.adminKey()), "expires_after_seconds", 10));
		expireSecretOf(created.get("id").toString());
		this.sessions.redeemClientSecret(secretOf(created), null).as(StepVerifier::create).verifyComplete();
		String forged = secretOf(createSession(tenant.adminKey(), newAgent(tenant.adminKey()))).substring(0, 50) + "0";
		this.sessions.redeemClientSecret(forged, null).as(StepVerifier::create).verifyComplete();
		this.sessions.redeemClientSecret("ek_short", null).as(StepVerifier::create).verifyComplete();
		this.sessions.redeemClientSecret(tenant.adminKey(), null).as(StepVerifier::create).verifyComplete();
	}

	@Test
	void redeemWhenAnotherSessionIsNamedThenTheSecretStaysUnused() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Map<String, Object> created = createSession(tenant.adminKey(), agent);
		String other = createSession(tenant.adminKey(), agent).get("id").toString();
		this.sessions.redeemClientSecret(secretOf(created), other).as(StepVerifier::create).verifyComplete();
		this.sessions.redeemClientSecret(secretOf(created), created.get("id").toString())
			.as(StepVerifier::create)
			.assertNext((grant) -> assertThat(grant.sessionId()).isEqualTo(created.get("id")))
			.verifyComplete();
	}

	@Test
	void redeemWhenTwoSocketsRaceThenExactlyOneWins() {
		TestTenant tenant = newTenant();
		String secret = secretOf(createSession(tenant.adminKey(), newAgent(tenant.adminKey())));
		Mono.zip(this.sessions.redeemClientSecret(secret, null).hasElement(),
				this.sessions.redeemClientSecret(secret, null).hasElement())
			.as(StepVerifier::create)
			.assertNext((both) -> assertThat(both.getT1() ^ both.getT2()).isTrue())
			.verifyComplete();
	}

	@Test
	void attachForCallerThenOnceForTheTenantsCreatedSessionAndTheSecretIsUsedUp() {
		TestTenant tenant = newTenant();
		TestTenant other = newTenant();
		Map<String, Object> created = createSession(tenant.adminKey(), newAgent(tenant.adminKey()));
		String id = created.get("id").toString();
		Caller developer = new Caller("key_dev", tenant.id(), Role.DEVELOPER);
		this.sessions.attachForCaller(new Caller("key_other", other.id(), Role.DEVELOPER), id)
			.as(StepVerifier::create)
			.verifyComplete();
		this.sessions.attachForCaller(developer, id)
			.map(SessionGrant::sessionId)
			.as(StepVerifier::create)
			.expectNext(id)
			.verifyComplete();
		this.sessions.attachForCaller(developer, id).as(StepVerifier::create).verifyComplete();
		this.sessions.redeemClientSecret(secretOf(created), null).as(StepVerifier::create).verifyComplete();
		this.sessions.attachForCaller(new Caller("key_admin", null, Role.PLATFORM_ADMIN), id)
			.as(StepVerifier::create)
			.verifyComplete();
	}

	@Test
	void startForCallerThenANewSessionOfTheAgentInANewConversation() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey(), Map.of("metadata", Map.of("team", "b")));
		Caller caller = new Caller("key_dev", tenant.id(), Role.DEVELOPER);
		List<String> started = new ArrayList<>();
		this.sessions.startForCaller(caller, agent).as(StepVerifier::create).assertNext((grant) -> {
			assertThat(grant.sessionId()).startsWith("sess_");
			assertThat(grant.conversationId()).startsWith("conv_");
			assertThat(grant.continuedConversation()).isFalse();
			assertThat(grant.metadata()).isEqualTo(Map.of("team", "b"));
			started.add(grant.sessionId());
		}).verifyComplete();
		assertThat(session(tenant.adminKey(), started.get(0))).containsEntry("status", "created")
			.containsEntry("agent", agent);
		this.sessions.startForCaller(caller, "agt_01JD000000000000000000000")
			.as(StepVerifier::create)
			.expectErrorSatisfies((error) -> assertThat(((ProblemException) error).slug()).isEqualTo("not-found"))
			.verify();
	}

	@Test
	void continueConversationThenSameIdAndTheGrantSaysSo() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Map<String, Object> first = createSession(tenant.adminKey(), agent);
		String conversation = first.get("conversation").toString();
		Map<String, Object> second = createSession(tenant.adminKey(), Map.of("agent", agent, "conversation", conversation));
		assertThat(second).containsEntry("conversation", conversation);
		assertThat(second.get("id")).isNotEqualTo(first.get("id"));
		this.sessions.redeemClientSecret(secretOf(second), null)
			.map(SessionGrant::continuedConversation)
			.as(StepVerifier::create)
			.expectNext(true)
			.verifyComplete();
		this.sessions.redeemClientSecret(secretOf(first), null)
			.map(SessionGrant::continuedConversation)
			.as(StepVerifier::create)
			.expectNext(false)
			.verifyComplete();
	}

	@Test
	void continueAConversationOfAnotherTenantOrAgentThenNotFound() {
		TestTenant tenant = newTenant();
		TestTenant other = newTenant();
		String agent = newAgent(tenant.adminKey());
		String foreign = createSession(other.adminKey(), newAgent(other.adminKey())).get("conversation").toString();
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent, "conversation", foreign), 404)
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "not-found");
		String ofAnotherAgent = createSession(tenant.adminKey(), newAgent(tenant.adminKey())).get("conversation")
			.toString();
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent, "conversation", ofAnotherAgent), 404);
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent, "conversation", "conv_nope"), 404);
	}

	@Test
	void continueAConversationWhenTheAgentHasNoMemoryThen422() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String conversation = createSession(tenant.adminKey(), agent).get("conversation").toString();
		as(tenant.adminKey()).patch()
			.uri("/v1/agents/{id}", agent)
			.bodyValue(Map.of("memory", Map.of("continue_conversations", false)))
			.exchange()
			.expectStatus()
			.isOk();
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent, "conversation", conversation), 422)
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "validation-failed")
			.jsonPath("$.param")
			.isEqualTo("conversation");
		assertThat(createSession(tenant.adminKey(),
				Map.of("agent", agent, "agent_version", 1, "conversation", conversation)))
			.containsEntry("conversation", conversation);
	}

}

package io.duplex.session.rest;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.duplex.core.id.Ids;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/sessions} and {@code GET /v1/sessions/{id}}: what a session is made of, and who may make one. */
class SessionApiTests extends SessionApiTestSupport {

	@Test
	void createThenSessionWithSocketUrlAndOneTimeSecret() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey(), Map.of("metadata", Map.of("team", "support", "tier", "gold")));
		Instant before = Instant.now().minusSeconds(5);
		Map<String, Object> created = as(tenant.adminKey()).post()
			.uri("/v1/sessions")
			.bodyValue(Map.of("agent", agent, "metadata", Map.of("tier", "platinum", "call", "42")))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueMatches("Location", ".*/v1/sessions/sess_[0-9A-Z]{26}")
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		String id = created.get("id").toString();
		assertThat(Ids.looksLike("sess", id)).isTrue();
		assertThat(created).containsEntry("object", "realtime.session")
			.containsEntry("status", "created")
			.containsEntry("agent", agent)
			.containsEntry("agent_version", 1)
			.containsEntry("region", "us-east")
			.containsEntry("model", "sandbox")
			.containsEntry("compute", "cpu-standard")
			.containsEntry("url", "ws://localhost:" + this.port + "/v1/realtime?session=" + id)
			.containsEntry("metadata", Map.of("team", "support", "tier", "platinum", "call", "42"));
		assertThat(Ids.looksLike("conv", created.get("conversation").toString())).isTrue();
		assertThat(Instant.parse(created.get("created_at").toString())).isAfter(before);
		Map<?, ?> secret = (Map<?, ?>) created.get("client_secret");
		assertThat(secret.get("value").toString()).matches("ek_[0-9a-z]{48}");
		Instant expiresAt = Instant.parse(secret.get("expires_at").toString());
		assertThat(expiresAt).isBetween(Instant.now().plusSeconds(590), Instant.now().plusSeconds(610));
		Map<String, Object> read = session(tenant.adminKey(), id);
		assertThat(read).doesNotContainKeys("client_secret", "url")
			.containsEntry("status", "created")
			.containsEntry("conversation", created.get("conversation"))
			.containsEntry("started_at", null)
			.containsEntry("ended_at", null)
			.containsEntry("end_reason", null)
			.containsEntry("duration_seconds", null)
			.containsEntry("segments", List.of());
		assertThat(((Map<?, ?>) read.get("usage")).get("total_tokens")).isEqualTo(0);
	}

	@Test
	void createWithSecretLifetimeThenExpiryFollowsItBetween10And7200Seconds() {
		TestTenant tenant = newTenant();
		Map<String, Object> created = createSession(tenant.adminKey(),
				Map.of("agent", newAgent(tenant.adminKey()), "expires_after_seconds", 10));
		Instant expiresAt = Instant.parse(((Map<?, ?>) created.get("client_secret")).get("expires_at").toString());
		assertThat(expiresAt).isBetween(Instant.now().plusSeconds(5), Instant.now().plusSeconds(11));
		createSessionExpecting(tenant.adminKey(), Map.of("agent", newAgent(tenant.adminKey()), "expires_after_seconds", 9),
				422)
			.jsonPath("$.param")
			.isEqualTo("expires_after_seconds");
		createSessionExpecting(tenant.adminKey(),
				Map.of("agent", newAgent(tenant.adminKey()), "expires_after_seconds", 7201), 422)
			.jsonPath("$.param")
			.isEqualTo("expires_after_seconds");
	}

	@Test
	void createWithPinnedVersionThenThatVersionAnd422ForAVersionThatDoesNotExist() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey(), Map.of("instructions", "one"));
		as(tenant.adminKey()).patch()
			.uri("/v1/agents/{id}", agent)
			.bodyValue(Map.of("instructions", "two"))
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(createSession(tenant.adminKey(), agent)).containsEntry("agent_version", 2);
		Map<String, Object> pinned = createSession(tenant.adminKey(), Map.of("agent", agent, "agent_version", 1));
		assertThat(pinned).containsEntry("agent_version", 1);
		assertThat(session(tenant.adminKey(), pinned.get("id").toString())).containsEntry("agent_version", 1);
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent, "agent_version", 3), 422)
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "validation-failed")
			.jsonPath("$.param")
			.isEqualTo("agent_version");
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent, "agent_version", 0), 422)
			.jsonPath("$.param")
			.isEqualTo("agent_version");
	}

	@Test
	void createForAnUnknownDeletedOrForeignAgentThenNotFoundNamingIt() {
		TestTenant tenant = newTenant();
		TestTenant other = newTenant();
		String foreign = newAgent(other.adminKey());
		createSessionExpecting(tenant.adminKey(), Map.of("agent", foreign), 404)
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "not-found")
			.jsonPath("$.detail")
			.value((detail) -> assertThat(detail.toString()).contains(foreign));
		createSessionExpecting(tenant.adminKey(), Map.of("agent", foreign, "agent_version", 1), 404);
		String deleted = newAgent(tenant.adminKey());
		as(tenant.adminKey()).delete().uri("/v1/agents/{id}", deleted).exchange().expectStatus().isOk();
		createSessionExpecting(tenant.adminKey(), Map.of("agent", deleted), 404);
		createSessionExpecting(tenant.adminKey(), Map.of(), 422).jsonPath("$.param").isEqualTo("agent");
	}

	@Test
	void createWithBadMetadataOrUnknownFieldThenValidationProblem() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent, "metadata", Map.of("k", "v".repeat(513))), 422)
			.jsonPath("$.param")
			.isEqualTo("metadata.k");
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent, "metadata", Map.of("k".repeat(65), "v")), 422)
			.jsonPath("$.param")
			.isEqualTo("metadata");
		Map<String, String> many = new HashMap<>();
		for (int i = 0; i < 17; i++) {
			many.put("key" + i, "v");
		}
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent, "metadata", many), 422)
			.jsonPath("$.param")
			.isEqualTo("metadata");
		createSessionExpecting(tenant.adminKey(), Map.of("agent", agent, "agnet_version", 1), 422)
			.jsonPath("$.param")
			.isEqualTo("agnet_version");
	}

	@Test
	void readersMayReadButNotCreateOrEndAndPlatformAdminsActThroughTenantKeys() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String developer = newKey(tenant.id(), "developer");
		String id = createSession(developer, agent).get("id").toString();
		for (String role : List.of("viewer", "finance")) {
			String key = newKey(tenant.id(), role);
			assertThat(session(key, id)).containsEntry("id", id);
			createSessionExpecting(key, Map.of("agent", agent), 403).jsonPath("$.type").isEqualTo(PROBLEMS + "forbidden");
			as(key).post().uri("/v1/sessions/{id}/end", id).exchange().expectStatus().isForbidden();
		}
		asPlatformAdmin().get().uri("/v1/sessions/{id}", id).exchange().expectStatus().isForbidden();
		assertThat(session(developer, id)).containsEntry("status", "created");
	}

	@Test
	void anotherTenantsKeyFindsNoSessionAndEndsNothing() {
		TestTenant owner = newTenant();
		TestTenant other = newTenant();
		String id = createSession(owner.adminKey(), newAgent(owner.adminKey())).get("id").toString();
		as(other.adminKey()).get()
			.uri("/v1/sessions/{id}", id)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "not-found");
		as(other.adminKey()).post().uri("/v1/sessions/{id}/end", id).exchange().expectStatus().isNotFound();
		assertThat((List<?>) get(as(other.adminKey()), "/v1/sessions").get("data")).isEmpty();
		this.sessions.markEnded(other.id(), id, "spoofed").as(StepVerifier::create).verifyComplete();
		assertThat(session(owner.adminKey(), id)).containsEntry("status", "created");
	}

}

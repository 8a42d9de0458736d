package io.duplex.api.directory;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.duplex.api.ApiTestSupport;
import io.duplex.core.agent.AgentDirectory;
import io.duplex.core.catalog.ModelCatalog;
import io.duplex.core.catalog.PoolInfo;
import io.duplex.core.tenant.TenantDirectory;
import io.duplex.core.tenant.TenantInfo;
import io.duplex.test.RestApi;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The ports other modules read the control plane through: tenant scoping, versions, deletion, the catalog. */
class DirectoryPortsTests extends ApiTestSupport {

	@Autowired
	private AgentDirectory agents;

	@Autowired
	private ModelCatalog catalog;

	@Autowired
	private TenantDirectory tenants;

	@Test
	void findAgentWithoutVersionThenCurrentVersionWithItsWholeConfiguration() {
		TestTenant tenant = newTenant();
		String id = createAgent(tenant.adminKey(), Map.of("name", "Desk", "instructions", "Be brief.",
				"metadata", Map.of("team", "support")));
		this.agents.find(tenant.id(), id, null).as(StepVerifier::create).assertNext((agent) -> {
			assertThat(agent.agentId()).isEqualTo(id);
			assertThat(agent.tenantId()).isEqualTo(tenant.id());
			assertThat(agent.version()).isEqualTo(1);
			assertThat(agent.name()).isEqualTo("Desk");
			assertThat(agent.model()).isEqualTo("sandbox");
			assertThat(agent.region()).isEqualTo("us-east");
			assertThat(agent.compute()).isEqualTo("cpu-standard");
			assertThat(agent.config().instructions()).isEqualTo("Be brief.");
			assertThat(agent.config().metadata().get("team")).isEqualTo("support");
			assertThat(agent.config().memory().continueConversations()).isTrue();
			assertThat(agent.config().turnDetection().type()).isEqualTo("server_vad");
		}).verifyComplete();
	}

	@Test
	void findAgentWithPinnedVersionThenThatVersionAndCurrentOtherwise() {
		TestTenant tenant = newTenant();
		String id = createAgent(tenant.adminKey(), Map.of("name", "Desk", "instructions", "one"));
		as(tenant.adminKey()).patch()
			.uri("/v1/agents/{id}", id)
			.bodyValue(Map.of("name", "Desk 2", "instructions", "two"))
			.exchange()
			.expectStatus()
			.isOk();
		this.agents.find(tenant.id(), id, 1)
			.map((agent) -> List.of(agent.version(), agent.name(), agent.config().instructions()))
			.as(StepVerifier::create)
			.expectNext(List.of(1, "Desk", "one"))
			.verifyComplete();
		this.agents.find(tenant.id(), id, null)
			.map((agent) -> List.of(agent.version(), agent.name(), agent.config().instructions()))
			.as(StepVerifier::create)
			.expectNext(List.of(2, "Desk 2", "two"))
			.verifyComplete();
		this.agents.find(tenant.id(), id, 3).as(StepVerifier::create).verifyComplete();
	}

	@Test
	void findAgentOfAnotherTenantThenEmpty() {
		TestTenant owner = newTenant();
		TestTenant other = newTenant();
		String id = createAgent(owner.adminKey(), Map.of("name", "Private"));
		this.agents.find(other.id(), id, null).as(StepVerifier::create).verifyComplete();
		this.agents.find(other.id(), id, 1).as(StepVerifier::create).verifyComplete();
	}

	@Test
	void findDeletedAgentThenEmptyEvenWithAPinnedVersion() {
		TestTenant tenant = newTenant();
		String id = createAgent(tenant.adminKey(), Map.of("name", "Gone soon"));
		as(tenant.adminKey()).delete().uri("/v1/agents/{id}", id).exchange().expectStatus().isOk();
		this.agents.find(tenant.id(), id, null).as(StepVerifier::create).verifyComplete();
		this.agents.find(tenant.id(), id, 1).as(StepVerifier::create).verifyComplete();
		this.agents.find(tenant.id(), "agt_01JD000000000000000000000", null).as(StepVerifier::create).verifyComplete();
	}

	@Test
	void findModelAndPoolThenCatalogFactsAndEmptyForUnknownIds() {
		this.catalog.findModel("sandbox").as(StepVerifier::create).assertNext((model) -> {
			assertThat(model.provider()).isEqualTo("sandbox");
			assertThat(model.kind()).isEqualTo("sandbox");
			assertThat(model.imitates()).isEqualTo("gpt-realtime");
			assertThat(model.voices()).startsWith("alloy");
			assertThat(model.modalities()).containsExactly("text", "audio");
			assertThat(model.inputAudioTokensPerSecond()).isEqualTo(10);
			assertThat(model.maxSessionSeconds()).isEqualTo(3600);
		}).verifyComplete();
		this.catalog.findModel("no-such-model").as(StepVerifier::create).verifyComplete();
		this.catalog.findPool("eu-central", "gpu-l4")
			.as(StepVerifier::create)
			.expectNext(new PoolInfo("eu-central", "gpu-l4", 40))
			.verifyComplete();
		this.catalog.findPool("ap-south", "gpu-l4").as(StepVerifier::create).verifyComplete();
	}

	@Test
	void findTenantThenNameStatusAndQuotaAndEmptyWhenUnknown() {
		String id = RestApi.created(asPlatformAdmin().post()
			.uri("/v1/tenants")
			.bodyValue(Map.of("name", "Quota tenant", "max_concurrent_sessions", 7))
			.exchange())
			.get("id")
			.toString();
		this.tenants.find(id).as(StepVerifier::create).expectNext(new TenantInfo(id, "Quota tenant", true, 7)).verifyComplete();
		asPlatformAdmin().post().uri("/v1/tenants/{id}/suspend", id).exchange().expectStatus().isOk();
		this.tenants.find(id).map(TenantInfo::active).as(StepVerifier::create).expectNext(false).verifyComplete();
		this.tenants.find("ten_01JD000000000000000000000").as(StepVerifier::create).verifyComplete();
	}

	private String createAgent(String key, Map<String, ?> body) {
		return RestApi.created(as(key).post()
			.uri("/v1/agents")
			.bodyValue(body)
			.exchange())
			.get("id")
			.toString();
	}

}

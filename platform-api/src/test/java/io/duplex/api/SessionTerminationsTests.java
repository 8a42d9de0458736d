package io.duplex.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;

import io.duplex.core.session.SessionTermination;
import io.duplex.core.session.SessionTerminations;
import io.duplex.test.RestApi;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control plane asks the {@link SessionTerminations} port to end the sessions a change takes
 * away (suspension, key revocation, agent deletion), in the change's own transaction: should the
 * ask fail, the change is not made either. A recording port stands in for the session module,
 * which is not part of the control plane's tests.
 */
@Import(SessionTerminationsTests.RecordingTerminations.class)
class SessionTerminationsTests extends ApiTestSupport {

	@Autowired
	private RecordingTerminations terminations;

	@Test
	void suspendThenTheTenantsSessionsAreAskedToEndAndReactivateAsksNothing() {
		TestTenant tenant = newTenant();
		asPlatformAdmin().post().uri("/v1/tenants/{id}/suspend", tenant.id()).exchange().expectStatus().isOk();
		asPlatformAdmin().post().uri("/v1/tenants/{id}/reactivate", tenant.id()).exchange().expectStatus().isOk();
		assertThat(this.terminations.asked(tenant.id())).containsExactly(SessionTermination.tenantSuspended(tenant.id()));
	}

	@Test
	void revokeThenTheKeysSessionsAreAskedToEnd() {
		TestTenant tenant = newTenant();
		String keyId = RestApi.created(asPlatformAdmin().post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.bodyValue(Map.of("name", "developer key", "role", "developer"))
			.exchange())
			.get("id")
			.toString();
		as(tenant.adminKey()).delete()
			.uri("/v1/tenants/{id}/api_keys/{key}", tenant.id(), keyId)
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(this.terminations.asked(tenant.id()))
			.containsExactly(SessionTermination.credentialRevoked(tenant.id(), keyId));
	}

	@Test
	void deleteAgentThenItsSessionsAreAskedToEnd() {
		TestTenant tenant = newTenant();
		String agentId = RestApi.created(as(tenant.adminKey()).post()
			.uri("/v1/agents")
			.bodyValue(Map.of("name", "Support"))
			.exchange())
			.get("id")
			.toString();
		as(tenant.adminKey()).delete().uri("/v1/agents/{id}", agentId).exchange().expectStatus().is2xxSuccessful();
		assertThat(this.terminations.asked(tenant.id()))
			.containsExactly(SessionTermination.agentDeleted(tenant.id(), agentId));
	}

	@Test
	void suspendWhenTheSessionsCannotBeAskedThenTheTenantStaysActive() {
		TestTenant tenant = newTenant();
		this.terminations.failFor(tenant.id());
		asPlatformAdmin().post().uri("/v1/tenants/{id}/suspend", tenant.id()).exchange().expectStatus().is5xxServerError();
		// one transaction: no suspension without its sessions asked to end, and the keys still work
		as(tenant.adminKey()).get()
			.uri("/v1/tenants/{id}", tenant.id())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("active");
	}

	/** Stands in for the session module (the port is this bean): records each ask, and fails for a tenant when told to. */
	@TestConfiguration(proxyBeanMethods = false)
	static class RecordingTerminations implements SessionTerminations {

		private final List<SessionTermination> asked = new CopyOnWriteArrayList<>();

		private final List<String> failing = new CopyOnWriteArrayList<>();

		@Override
		public Mono<Long> terminate(SessionTermination termination) {
			if (this.failing.contains(termination.tenantId())) {
				return Mono.error(new IllegalStateException("the sessions could not be asked to end"));
			}
			this.asked.add(termination);
			return Mono.just(0L);
		}

		List<SessionTermination> asked(String tenantId) {
			return this.asked.stream().filter((termination) -> termination.tenantId().equals(tenantId)).toList();
		}

		void failFor(String tenantId) {
			this.failing.add(tenantId);
		}

	}

}

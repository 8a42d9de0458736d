package io.duplex.server;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.test.RestApi;
import io.duplex.test.TestDatabase;
import io.duplex.test.TestHttp;
import io.duplex.test.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The actuator on a management port of its own, as the Helm chart runs it: metrics and probes
 * public there, and no metrics on the API port, whatever the request claims.
 */
@SpringBootTest(classes = DuplexServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "duplex.bootstrap.admin-key=" + TestKeys.PLATFORM_ADMIN, "management.server.port=0",
				TenantResources.SECRETS_KEY_PROPERTY })
@ContextConfiguration(initializers = TestDatabase.Initializer.class)
@AutoConfigureWebTestClient(timeout = "30s")
class ManagementPortTests {

	@Autowired
	private WebTestClient api;

	@LocalManagementPort
	private int managementPort;

	@Test
	void prometheusAndProbesAnswerOnTheManagementPortWithoutAKey() {
		WebTestClient management = management();
		String metrics = RestApi.okText(management.get()
			.uri("/actuator/prometheus")
			.exchange());
		assertThat(metrics).contains("jvm_memory_used_bytes");
		PlatformServerTests.expectLiveAndReady(management);
	}

	@Test
	void prometheusOnTheApiPortWithoutAKeyThenUnauthorizedAndWithOneNotServed() {
		this.api.get().uri("/actuator/prometheus").exchange().expectStatus().isUnauthorized();
		// a Host or forwarded header naming the management port changes nothing
		this.api.get()
			.uri("/actuator/prometheus")
			.header(HttpHeaders.HOST, "127.0.0.1:" + this.managementPort)
			.header("X-Forwarded-Port", Integer.toString(this.managementPort))
			.exchange()
			.expectStatus()
			.isUnauthorized();
		this.api.get()
			.uri("/actuator/prometheus")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.PLATFORM_ADMIN)
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void theManagementPortServesNoApi() {
		management().get()
			.uri("/v1/tenants")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.PLATFORM_ADMIN)
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	private WebTestClient management() {
		assertThat(this.managementPort).isPositive();
		return TestHttp.webTestClient(this.managementPort).build();
	}

}

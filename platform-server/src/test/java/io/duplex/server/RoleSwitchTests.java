package io.duplex.server;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.test.TestDatabase;
import io.duplex.test.TestKeys;

/** A process without the {@code api} role serves no control-plane endpoints but stays healthy. */
@SpringBootTest(classes = DuplexServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "duplex.roles=session,billing", "duplex.bootstrap.admin-key=" + TestKeys.PLATFORM_ADMIN })
@ContextConfiguration(initializers = TestDatabase.Initializer.class)
@AutoConfigureWebTestClient(timeout = "30s")
class RoleSwitchTests {

	@Autowired
	private WebTestClient client;

	@Test
	void withoutApiRoleThenControlPlaneEndpointsAreAbsentAndHealthIsUp() {
		this.client.get()
			.uri("/v1/tenants")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.PLATFORM_ADMIN)
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.get().uri("/actuator/health").exchange().expectStatus().isOk();
	}

}

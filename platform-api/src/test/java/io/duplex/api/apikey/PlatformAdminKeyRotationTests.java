package io.duplex.api.apikey;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.core.database.DatabaseUrl;
import io.duplex.test.RestApi;
import io.duplex.test.TestDatabase;
import io.duplex.test.TestHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rotating the bootstrap key away, on a database of its own (the shared one always keeps the
 * tests' bootstrap key): a new platform admin key made with the bootstrap key, the bootstrap key
 * revoked, and a restart with the same bootstrap setting that does not bring it back; and the last
 * active platform admin key, which cannot be revoked.
 */
@ExtendWith(OutputCaptureExtension.class)
class PlatformAdminKeyRotationTests {

	private static final String BOOTSTRAP_KEY = "dpx_rotationbootstrap000000000000000000000000000";

	private static DatabaseUrl database;

	@BeforeAll
	static void freshDatabase() throws SQLException {
		DatabaseUrl shared = TestDatabase.get();
		String name = "rotation_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
		try (Connection connection = DriverManager.getConnection(shared.jdbcUrl(), shared.username(), shared.password());
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		database = new DatabaseUrl(shared.host(), shared.port(), name, shared.username(), shared.password(),
				shared.query());
	}

	@Test
	void bootstrapKeyRotatedAwayThenItStaysRevokedAfterARestartAndTheLastKeyCannotBeRevoked(CapturedOutput output) {
		String rotated;
		String rotatedId;
		try (ConfigurableApplicationContext first = start()) {
			WebTestClient client = client(first);
			Map<?, ?> bootstrap = only(list(client, BOOTSTRAP_KEY));
			assertThat(bootstrap.get("name")).isEqualTo("bootstrap");
			String bootstrapId = (String) bootstrap.get("id");

			// alone, the bootstrap key is the last one: it may not revoke itself
			RestApi.as(client, BOOTSTRAP_KEY).delete()
				.uri("/v1/admin/api_keys/{id}", bootstrapId)
				.exchange()
				.expectStatus()
				.isEqualTo(409)
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo("https://duplex.dev/problems/last-platform-admin-key");

			Map<?, ?> created = RestApi.created(RestApi.as(client, BOOTSTRAP_KEY).post()
				.uri("/v1/admin/api_keys")
				.bodyValue(Map.of("name", "ops"))
				.exchange());
			rotated = (String) created.get("secret");
			rotatedId = (String) created.get("id");
			RestApi.as(client, rotated).delete()
				.uri("/v1/admin/api_keys/{id}", bootstrapId)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("revoked");
			RestApi.as(client, BOOTSTRAP_KEY).get().uri("/v1/tenants").exchange().expectStatus().isUnauthorized();

			// now the new key is the last active one, and may not revoke itself either
			RestApi.as(client, rotated).delete()
				.uri("/v1/admin/api_keys/{id}", rotatedId)
				.exchange()
				.expectStatus()
				.isEqualTo(409);
			RestApi.as(client, rotated).get().uri("/v1/tenants").exchange().expectStatus().isOk();
		}

		try (ConfigurableApplicationContext second = start()) {
			WebTestClient client = client(second);
			RestApi.as(client, BOOTSTRAP_KEY).get().uri("/v1/tenants").exchange().expectStatus().isUnauthorized();
			List<?> keys = list(client, rotated);
			assertThat(keys).hasSize(2);
			assertThat(keys.stream().<Object>map((key) -> ((Map<?, ?>) key).get("status")).toList())
				.containsExactlyInAnyOrder("active", "revoked");
			assertThat(output.getOut()).contains("DUPLEX_BOOTSTRAP_ADMIN_KEY names the platform admin key")
				.contains("it stays revoked and is not made again");
		}
	}

	private static ConfigurableApplicationContext start() {
		SpringApplication application = new SpringApplication(RotationApplication.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		Map<String, Object> properties = new HashMap<>(database.springProperties());
		properties.put("duplex.bootstrap.admin-key", BOOTSTRAP_KEY);
		properties.put("server.port", "0");
		properties.put("server.address", "127.0.0.1");
		application.setDefaultProperties(properties);
		return application.run();
	}

	private static WebTestClient client(ConfigurableApplicationContext context) {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return TestHttp.webTestClient(port).build();
	}

	private static List<?> list(WebTestClient client, String key) {
		return (List<?>) RestApi.ok(RestApi.as(client, key).get()
			.uri("/v1/admin/api_keys")
			.exchange())
			.get("data");
	}

	private static Map<?, ?> only(List<?> keys) {
		assertThat(keys).hasSize(1);
		return (Map<?, ?>) keys.get(0);
	}

	/** The control plane alone, as {@code ApiTestSupport} boots it, on the database this test made. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class RotationApplication {

	}

}

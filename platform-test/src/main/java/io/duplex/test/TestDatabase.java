package io.duplex.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import io.duplex.core.database.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The one real PostgreSQL every test of a JVM uses: the server named by
 * {@code DUPLEX_TEST_DATABASE_URL} if set; else a Testcontainers PostgreSQL when a Docker engine
 * answers; else an embedded PostgreSQL (real binaries from a Maven artifact) started once. Tests
 * stay independent by creating their own tenants rather than by cleaning tables.
 */
public final class TestDatabase {

	/** Names an external database for the tests, e.g. {@code postgresql://u:p@127.0.0.1:5432/duplex_test}. */
	public static final String URL_VARIABLE = "DUPLEX_TEST_DATABASE_URL";

	private static DatabaseUrl url;

	private TestDatabase() {
	}

	/** The database, started on first use. */
	public static synchronized DatabaseUrl get() {
		if (url == null) {
			url = start();
		}
		return url;
	}

	private static DatabaseUrl start() {
		String external = System.getenv(URL_VARIABLE);
		if (external != null && !external.isBlank()) {
			return DatabaseUrl.parse(external);
		}
		if (dockerMayAnswer() && DockerClientFactory.instance().isDockerAvailable()) {
			PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
			return DatabaseUrl.parse(container.getJdbcUrl().replace("postgresql://",
					"postgresql://" + container.getUsername() + ":" + container.getPassword() + "@"));
		}
		try {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					postgres.close();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}));
			return new DatabaseUrl("127.0.0.1", postgres.getPort(), "postgres", "postgres", "postgres", null);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start an embedded PostgreSQL", ex);
		}
	}

	/** Asking Testcontainers costs seconds of retries where no engine can answer; skip it then. */
	private static boolean dockerMayAnswer() {
		return System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
	}

	/**
	 * Points a Spring test context at the test database:
	 * {@code @ContextConfiguration(initializers = TestDatabase.Initializer.class)}.
	 */
	public static class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		@Override
		public void initialize(ConfigurableApplicationContext context) {
			TestPropertyValues.of(get().springProperties().entrySet().stream()
				.map((entry) -> entry.getKey() + "=" + entry.getValue())).applyTo(context);
		}

	}

}

package io.duplex.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import io.duplex.core.database.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Decides where the database is before anything connects: {@code DUPLEX_DATABASE_URL} (or
 * {@code duplex.database.url}) names an external PostgreSQL; an explicit
 * {@code spring.r2dbc.url} is used as given; otherwise a real PostgreSQL from a Maven artifact
 * starts inside this process with its data under {@code DUPLEX_DATA_DIR} (default {@code ./var}),
 * so data survives a restart. It stops when the application context closes.
 */
class EmbeddedDatabase implements SmartApplicationListener {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

	private @Nullable EmbeddedPostgres postgres;

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(eventType)
				|| ContextClosedEvent.class.isAssignableFrom(eventType)
				|| ApplicationFailedEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public int getOrder() {
		// after the config files are read, so properties from application.yaml count
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
			configure(prepared.getEnvironment());
		}
		else {
			stop();
		}
	}

	private void configure(ConfigurableEnvironment environment) {
		String url = environment.getProperty("duplex.database.url", environment.getProperty("DUPLEX_DATABASE_URL", ""));
		if (!url.isBlank()) {
			DatabaseUrl database = DatabaseUrl.parse(url);
			log.info("Using the PostgreSQL database at {}", database);
			use(environment, database.springProperties());
			return;
		}
		if (environment.containsProperty("spring.r2dbc.url")) {
			return;
		}
		Path dataDirectory = Path.of(environment.getProperty("duplex.data-dir",
				environment.getProperty("DUPLEX_DATA_DIR", "var")), "postgres").toAbsolutePath();
		use(environment, start(dataDirectory).springProperties());
	}

	private DatabaseUrl start(Path dataDirectory) {
		try {
			Files.createDirectories(dataDirectory.getParent());
			boolean existing = Files.exists(dataDirectory.resolve("PG_VERSION"));
			log.info("{} the embedded PostgreSQL in {}", existing ? "Starting" : "Creating", dataDirectory);
			this.postgres = EmbeddedPostgres.builder()
				.setDataDirectory(dataDirectory)
				.setCleanDataDirectory(false)
				.setRegisterShutdownHook(true)
				.start();
			return new DatabaseUrl("127.0.0.1", this.postgres.getPort(), "postgres", "postgres", "postgres", null);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDirectory
					+ " (is another Duplex using that data directory?)", ex);
		}
	}

	private static void use(ConfigurableEnvironment environment, Map<String, Object> properties) {
		environment.getPropertySources().addFirst(new MapPropertySource("duplexDatabase", properties));
	}

	private void stop() {
		if (this.postgres != null) {
			try {
				this.postgres.close();
			}
			catch (IOException ex) {
				log.warn("The embedded PostgreSQL did not stop cleanly", ex);
			}
			this.postgres = null;
		}
	}

}

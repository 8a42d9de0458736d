package io.duplex.session;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.duplex.test.TestDatabase;
import io.duplex.test.TestKeys;

/**
 * Another node of the platform on the tests' database: the same application as
 * {@link SessionTestSupport}'s, in a context of its own that a test starts and stops, e.g. to
 * resume a session on another node or after a restart.
 */
public final class SessionNode implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private SessionNode(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/** Starts a node with {@code properties} over the defaults, and {@code configurations} added. */
	public static SessionNode start(Map<String, Object> properties, Class<?>... configurations) {
		return start(properties, null, configurations);
	}

	/**
	 * Starts a node whose R2DBC connections go to {@code r2dbcUrl} (e.g. a proxy in front of the tests'
	 * database) rather than to the tests' database itself.
	 */
	public static SessionNode startOn(String r2dbcUrl, Map<String, Object> properties, Class<?>... configurations) {
		return start(properties, r2dbcUrl, configurations);
	}

	private static SessionNode start(Map<String, Object> properties, @Nullable String r2dbcUrl,
			Class<?>... configurations) {
		Class<?>[] sources = new Class<?>[configurations.length + 1];
		sources[0] = SessionTestApplication.class;
		System.arraycopy(configurations, 0, sources, 1, configurations.length);
		SpringApplication application = new SpringApplication(sources);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.addInitializers(new TestDatabase.Initializer());
		if (r2dbcUrl != null) {
			// after the database's own properties, which it overrides
			application.addInitializers((context) -> TestPropertyValues.of("spring.r2dbc.url=" + r2dbcUrl)
				.applyTo(context));
		}
		Map<String, Object> defaults = new HashMap<>();
		defaults.put("duplex.bootstrap.admin-key", TestKeys.PLATFORM_ADMIN);
		defaults.put("server.port", "0");
		defaults.put("server.address", "127.0.0.1");
		defaults.putAll(properties);
		application.setDefaultProperties(defaults);
		return new SessionNode(application.run());
	}

	public int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	/** Stops the node as a server stops: gracefully, its shutdown hooks run. */
	@Override
	public void close() {
		this.context.close();
	}

}

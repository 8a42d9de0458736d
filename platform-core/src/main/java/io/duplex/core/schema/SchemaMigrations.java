package io.duplex.core.schema;

import java.util.List;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * Migrates every module's schema with its own Flyway history, over JDBC, before anything reads
 * the database: beans that query at start depend on this one. The JDBC URL is derived from
 * {@code spring.r2dbc.url}, so one setting points the whole platform at a database.
 */
public class SchemaMigrations {

	private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

	public SchemaMigrations(List<ModuleSchema> schemas, Environment environment) {
		String r2dbcUrl = environment.getRequiredProperty("spring.r2dbc.url");
		String jdbcUrl = jdbcUrl(r2dbcUrl);
		String user = environment.getProperty("spring.r2dbc.username");
		String password = environment.getProperty("spring.r2dbc.password");
		for (ModuleSchema schema : schemas) {
			// runs once at start-up, before any request is served, so blocking JDBC is fine here
			var result = Flyway.configure()
				.dataSource(jdbcUrl, user, password)
				.schemas(schema.schema())
				.locations(schema.location())
				.table("flyway_history")
				.load()
				.migrate();
			log.info("Schema {} is at version {} ({} migrations applied now)", schema.schema(), result.targetSchemaVersion,
					result.migrationsExecuted);
		}
	}

	/** {@code r2dbc:postgresql://h:5432/db?x=y} becomes {@code jdbc:postgresql://h:5432/db?x=y}. */
	static String jdbcUrl(String r2dbcUrl) {
		if (!r2dbcUrl.startsWith("r2dbc:")) {
			throw new IllegalArgumentException("spring.r2dbc.url must start with r2dbc:, was " + r2dbcUrl);
		}
		String rest = r2dbcUrl.substring("r2dbc:".length());
		if (rest.startsWith("pool:")) {
			rest = rest.substring("pool:".length());
		}
		return "jdbc:" + rest;
	}

}

package io.duplex.core.schema;

import java.util.List;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

import io.duplex.core.database.JdbcUrl;

/**
 * Migrates every module's schema with its own Flyway history, over JDBC, before anything reads
 * the database: beans that query at start depend on this one. The JDBC URL is derived from
 * {@code spring.r2dbc.url}, so one setting points the whole platform at a database.
 */
public class SchemaMigrations {

	private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

	public SchemaMigrations(List<ModuleSchema> schemas, Environment environment) {
		String r2dbcUrl = environment.getRequiredProperty("spring.r2dbc.url");
		String jdbcUrl = JdbcUrl.fromR2dbc(r2dbcUrl);
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

}

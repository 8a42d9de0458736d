package io.duplex.core;

import java.util.List;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;
import org.springframework.core.env.Environment;

import io.duplex.core.idempotency.IdempotencyConfiguration;
import io.duplex.core.schema.ModuleSchema;
import io.duplex.core.schema.SchemaMigrations;
import io.duplex.core.security.SecurityConfiguration;
import io.duplex.core.web.ApiExceptionHandler;
import io.duplex.core.web.ProblemExceptionHandler;
import io.duplex.core.web.RequestIdFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every Duplex process has, whatever its roles: security, problem rendering, request ids,
 * idempotent POSTs and schema migrations. House defaults (snake_case JSON, unknown fields
 * rejected) come from {@code duplex-defaults.properties} and can be overridden as usual.
 */
// before WebFlux's, so this problem handler is the one in place rather than Boot's default
@AutoConfiguration(beforeName = "org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration")
@PropertySource("classpath:duplex-defaults.properties")
@Import({ SecurityConfiguration.class, IdempotencyConfiguration.class })
public class CoreAutoConfiguration {

	@Bean
	ModuleSchema platformSchema() {
		return new ModuleSchema("platform", "classpath:db/platform");
	}

	@Bean
	SchemaMigrations schemaMigrations(List<ModuleSchema> schemas, Environment environment) {
		return new SchemaMigrations(schemas, environment);
	}

	@Bean
	ApiExceptionHandler apiExceptionHandler() {
		return new ApiExceptionHandler();
	}

	@Bean
	ProblemExceptionHandler problemExceptionHandler(JsonMapper json) {
		return new ProblemExceptionHandler(json);
	}

	@Bean
	RequestIdFilter requestIdFilter() {
		return new RequestIdFilter();
	}

}

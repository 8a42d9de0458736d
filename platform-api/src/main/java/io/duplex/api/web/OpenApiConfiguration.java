package io.duplex.api.web;

import org.springframework.boot.info.BuildProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import org.springdoc.core.utils.SpringDocUtils;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/**
 * The OpenAPI 3.1 document at {@code /v3/api-docs}: titled, with bearer authentication, and with
 * schemas in the snake_case the API really speaks (the schema generator reads types with its own
 * JSON library, so it is told the naming separately).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	@Bean
	OpenAPI duplexOpenApi(ObjectProvider<BuildProperties> build) {
		BuildProperties properties = build.getIfAvailable();
		return new OpenAPI()
			.info(new Info().title("Duplex API")
				.version((properties != null) ? properties.getVersion() : "dev")
				.description("Control plane of Duplex, the platform for realtime voice AI agents. Errors are RFC 9457 "
						+ "problem details; POSTs honour Idempotency-Key; lists use cursor pagination (limit, after)."))
			.components(new Components().addSecuritySchemes("apiKey",
					new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").description("A Duplex API key")))
			.addSecurityItem(new SecurityRequirement().addList("apiKey"));
	}

	static {
		// the schema generator knows Jackson 2 only; a Jackson 3 tree is free-form JSON
		SpringDocUtils.getConfig().replaceWithSchema(tools.jackson.databind.JsonNode.class, new ObjectSchema());
	}

	@Bean
	ModelResolver snakeCaseModelResolver() {
		return new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
	}

}

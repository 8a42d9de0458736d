package io.duplex.api.web;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.info.BuildProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import io.duplex.core.security.AnyRole;
import io.duplex.core.security.Role;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/**
 * The OpenAPI 3.1 document at {@code /v3/api-docs}: titled, with bearer authentication, and with
 * schemas in the snake_case the API really speaks (the schema generator reads types with its own
 * JSON library, so it is told the naming separately). Every operation documents the problem
 * answers it can give (see {@link #problemResponses()}), and answers that controllers leave
 * without a media type are documented as the JSON they are.
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

	/** The schema name of RFC 9457 problem details in {@code components.schemas}. */
	static final String PROBLEM = "Problem";

	private static final String PROBLEM_JSON = "application/problem+json";

	/**
	 * Documents 403 on every operation that a caller's role or tenant can be refused, that is on
	 * every operation but those marked {@link AnyRole} (whose services check no role).
	 * {@code OpenApiContractTests} proves the mark both ways: a documented 403 that no role gets
	 * fails, as does a 403 that is not documented.
	 */
	@Bean
	OperationCustomizer forbiddenResponses() {
		return (operation, handler) -> {
			if (!handler.hasMethodAnnotation(AnyRole.class)
					&& !handler.getBeanType().isAnnotationPresent(AnyRole.class)) {
				if (operation.getResponses() == null) {
					operation.setResponses(new ApiResponses());
				}
				addProblem(operation.getResponses(), "403", "The key's role, or its lack of a tenant, may not do this");
			}
			return operation;
		};
	}

	/**
	 * Adds the shared {@code Problem} schema and, to each operation, the problems it can answer:
	 * 401 without a valid key (every {@code /v1} operation), 404 for an id that is unknown or
	 * another tenant's (operations with path parameters), 400 for a body that is not JSON and 422
	 * for one that breaks a rule (operations with a body), 422 for a query parameter that breaks
	 * one (operations with query parameters), and on every POST what the {@code Idempotency-Key}
	 * filter answers (409 for a key reused with another request, 413 for a keyed body past the
	 * limit, 429 past the tenant's number of keys). A status an operation documents itself is
	 * kept, and an error (4xx or 5xx) it declares without a problem body is given the problem schema.
	 */
	@Bean
	OpenApiCustomizer problemResponses() {
		return (openApi) -> {
			openApi.getComponents().addSchemas(PROBLEM, problemSchema());
			roles(openApi, "ApiKeyResponse", "role");
			roles(openApi, "AuditEvent", "actor_role");
			if (openApi.getPaths() == null) {
				return;
			}
			openApi.getPaths().forEach((template, item) -> {
				for (Operation operation : item.readOperations()) {
					ApiResponses responses = operation.getResponses();
					if (responses == null) {
						responses = new ApiResponses();
						operation.setResponses(responses);
					}
					responses.values().forEach(OpenApiConfiguration::jsonForAnyMediaType);
					responses.forEach((status, response) -> {
						if ((status.startsWith("4") || status.startsWith("5"))
								&& (response.getContent() == null || !response.getContent().containsKey(PROBLEM_JSON))) {
							response.content(problemContent());
						}
					});
					if (template.startsWith("/v1/")) {
						addProblem(responses, "401", "No valid API key");
					}
					if (template.contains("{")) {
						addProblem(responses, "404", "No such resource in the caller's tenant");
					}
					if (operation.getRequestBody() != null) {
						addProblem(responses, "400", "The body is not valid JSON");
						addProblem(responses, "422", "The body breaks a rule; errors names each field");
					}
					if (operation.getParameters() != null
							&& operation.getParameters().stream().anyMatch((p) -> "query".equals(p.getIn()))) {
						addProblem(responses, "422", "A query parameter breaks a rule; errors names it");
					}
					if (operation == item.getPost()) {
						addProblem(responses, "409", "The Idempotency-Key was used with another request, "
								+ "or the request conflicts with what exists");
						addProblem(responses, "413", "A request with an Idempotency-Key has a body past the limit");
						addProblem(responses, "429", "The tenant holds the most Idempotency-Keys allowed; "
								+ "retry after Retry-After");
					}
				}
			});
		};
	}

	/** A property that answers a {@link Role}'s wire name lists them all. */
	@SuppressWarnings("unchecked")
	private static void roles(OpenAPI openApi, String schema, String property) {
		Schema<?> model = (openApi.getComponents().getSchemas() != null)
				? openApi.getComponents().getSchemas().get(schema) : null;
		if (model != null && model.getProperties() != null && model.getProperties().get(property) != null) {
			((Schema<Object>) model.getProperties().get(property))
				.setEnum(Arrays.stream(Role.values()).map((role) -> (Object) role.wireName()).toList());
		}
	}

	/** RFC 9457 problem details, with the members this API adds. */
	private static Schema<?> problemSchema() {
		Schema<?> fieldError = new ObjectSchema().addProperty("field", new StringSchema())
			.addProperty("message", new StringSchema())
			.required(List.of("field", "message"));
		return new ObjectSchema()
			.description("An RFC 9457 problem: clients branch on type, never on detail.")
			.addProperty("type", new StringSchema().format("uri-reference").description("The problem type"))
			.addProperty("title", new StringSchema())
			.addProperty("status", new IntegerSchema().description("The HTTP status"))
			.addProperty("detail", new StringSchema())
			.addProperty("instance", new StringSchema().format("uri-reference"))
			.addProperty("request_id", new StringSchema().description("The request's id, as in the logs"))
			.addProperty("param", new StringSchema().description("The first rejected field (422)"))
			.addProperty("errors",
					new ArraySchema().items(fieldError).description("Every rejected field (422)"))
			.required(List.of("type", "title", "status"))
			.additionalProperties(Boolean.TRUE);
	}

	private static void addProblem(ApiResponses responses, String status, String description) {
		if (!responses.containsKey(status)) {
			responses.addApiResponse(status, new ApiResponse().description(description).content(problemContent()));
		}
	}

	private static Content problemContent() {
		return new Content().addMediaType(PROBLEM_JSON,
				new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)));
	}

	/** Controllers that name no media type answer JSON; the generator would say any type. */
	private static void jsonForAnyMediaType(ApiResponse response) {
		Content content = response.getContent();
		if (content != null && content.containsKey("*/*") && !content.containsKey("application/json")) {
			content.addMediaType("application/json", content.remove("*/*"));
		}
	}

	static {
		// the schema generator knows Jackson 2 only; a Jackson 3 tree is free-form JSON
		SpringDocUtils.getConfig().replaceWithSchema(tools.jackson.databind.JsonNode.class, new ObjectSchema());
	}

	@Bean
	ModelResolver snakeCaseModelResolver() {
		return new NullableAwareModelResolver(
				Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
	}

	/**
	 * Reads the schemas like the generator does, then types every record component marked
	 * {@code @Nullable} as able to be null ({@code type: [string, "null"]}, or {@code anyOf} a
	 * reference and null), so that the document says null exactly where the code can answer it;
	 * and applies the {@code types} a component's {@code @Schema} names, which the generator drops.
	 */
	static final class NullableAwareModelResolver extends ModelResolver {

		private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE = new PropertyNamingStrategies.SnakeCaseStrategy();

		NullableAwareModelResolver(com.fasterxml.jackson.databind.ObjectMapper mapper) {
			super(mapper);
		}

		@Override
		@SuppressWarnings("unchecked")
		public Schema resolve(AnnotatedType annotatedType, ModelConverterContext context,
				Iterator<ModelConverter> next) {
			Schema<?> schema = super.resolve(annotatedType, context, next);
			Class<?> type = _mapper.constructType(annotatedType.getType()).getRawClass();
			if (schema == null || !type.isRecord()) {
				return schema;
			}
			Schema<?> model = schema;
			if (schema.get$ref() != null) {
				model = context.getDefinedModels().get(schema.get$ref().replace("#/components/schemas/", ""));
			}
			if (model == null || model.getProperties() == null) {
				return schema;
			}
			for (RecordComponent component : type.getRecordComponents()) {
				String name = SNAKE.translate(component.getName());
				Schema<?> property = model.getProperties().get(name);
				if (property == null) {
					continue;
				}
				io.swagger.v3.oas.annotations.media.Schema declared = component.getAccessor()
					.getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class);
				if (declared != null && declared.types().length > 0) {
					// the generator ignores types on a property; a value written as a string or an object says so here
					property.setType(null);
					property.setTypes(new LinkedHashSet<>(List.of(declared.types())));
				}
				if (declared != null && declared.allowableValues().length > 0 && property.getEnum() == null) {
					// a string field answers one of a few values the code names as constants
					((Schema<Object>) property).setEnum(List.of((Object[]) declared.allowableValues()));
				}
				if (component.getAnnotatedType().isAnnotationPresent(Nullable.class)) {
					model.getProperties().put(name, nullable(property));
				}
			}
			return schema;
		}

		@SuppressWarnings({ "rawtypes", "unchecked" })
		private static Schema<?> nullable(Schema property) {
			if (property.get$ref() != null || property.getTypes() == null || property.getTypes().isEmpty()) {
				Schema<?> nothing = new Schema<>();
				nothing.addType("null");
				return new Schema<>().anyOf(List.of(property, nothing));
			}
			Set<String> types = new LinkedHashSet<>(property.getTypes());
			types.add("null");
			property.setTypes(types);
			return property;
		}

	}

}

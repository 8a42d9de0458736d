package io.duplex.api.agent;

import java.util.List;

import org.jspecify.annotations.Nullable;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;

/**
 * Checks that a tool's {@code parameters} is a valid JSON Schema: valid against the draft 2020-12
 * meta-schema, and an object schema at the top, as OpenAI requires of function parameters. The
 * meta-schema ships inside the validator's jar, so nothing is fetched over the network; the
 * schema is only checked, never compiled, so its {@code $ref}s are not followed either.
 * @see <a href="https://json-schema.org/draft/2020-12/schema">JSON Schema draft 2020-12</a>
 */
final class ToolSchemas {

	/** At most this many meta-schema complaints are quoted in a problem's message. */
	private static final int QUOTED = 3;

	private final Schema metaSchema;

	ToolSchemas() {
		SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
		this.metaSchema = registry.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
		// loads the meta-schema's vocabularies now rather than on the first request
		this.metaSchema.initializeValidators();
	}

	/** What is wrong with {@code parameters} as a function's parameter schema; {@code null} when nothing is. */
	@Nullable String problem(JsonNode parameters) {
		if (!parameters.isObject()) {
			return "must be a JSON Schema object";
		}
		JsonNode type = parameters.get("type");
		if (type == null || !type.isString() || !"object".equals(type.stringValue())) {
			return "must have \"type\": \"object\" at the top";
		}
		List<Error> errors = this.metaSchema.validate(parameters);
		if (errors.isEmpty()) {
			return null;
		}
		StringBuilder message = new StringBuilder("is not a valid JSON Schema (draft 2020-12):");
		errors.stream()
			.limit(QUOTED)
			.forEach((error) -> message.append(' ')
				.append(error.getInstanceLocation().toString().isEmpty() ? "/" : error.getInstanceLocation())
				.append(' ')
				.append(error.getMessage())
				.append(';'));
		if (errors.size() > QUOTED) {
			message.append(" and ").append(errors.size() - QUOTED).append(" more;");
		}
		return message.substring(0, message.length() - 1);
	}

}

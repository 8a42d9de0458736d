package io.duplex.api.agent;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ToolSchemasTests {

	private final ToolSchemas schemas = new ToolSchemas();

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void problemWhenValidObjectSchemaThenNone() {
		assertThat(problem("""
				{"type": "object", "properties": {"city": {"type": "string", "enum": ["Paris", "Rome"]},
				 "days": {"type": "integer", "minimum": 1}}, "required": ["city"], "additionalProperties": false,
				 "$defs": {"unused": {"type": ["string", "null"]}}}""")).isNull();
	}

	@Test
	void problemWhenUnknownTypeNameThenItsLocationIsQuoted() {
		assertThat(problem("""
				{"type": "object", "properties": {"days": {"type": "int"}}}"""))
			.startsWith("is not a valid JSON Schema")
			.contains("/properties/days/type");
	}

	@Test
	void problemWhenKeywordHasTheWrongShapeThenRefused() {
		assertThat(problem("""
				{"type": "object", "required": "city"}""")).contains("/required");
		assertThat(problem("""
				{"type": "object", "properties": {"name": {"type": "string", "minLength": -1}}}"""))
			.contains("/properties/name/minLength");
	}

	@Test
	void problemWhenTopIsNotAnObjectSchemaThenRefused() {
		assertThat(problem("""
				{"type": "string"}""")).isEqualTo("must have \"type\": \"object\" at the top");
		assertThat(problem("""
				{"properties": {}}""")).isEqualTo("must have \"type\": \"object\" at the top");
		assertThat(problem("true")).isEqualTo("must be a JSON Schema object");
	}

	@Test
	void problemWhenRemoteRefThenNotFetchedAndAccepted() {
		// the schema is checked against the meta-schema only; a $ref is a URI, never a download
		assertThat(problem("""
				{"type": "object", "properties": {"a": {"$ref": "https://example.invalid/schema.json"}}}""")).isNull();
	}

	private String problem(String schema) {
		return this.schemas.problem(this.json.readTree(schema));
	}

}

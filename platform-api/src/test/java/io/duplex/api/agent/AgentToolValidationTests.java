package io.duplex.api.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.duplex.api.agent.AgentPlacementValidationTests.agent;
import static org.assertj.core.api.Assertions.assertThat;

/** Rules on tools, tool choice and turn detection; each broken rule answers 422 naming the field. */
class AgentToolValidationTests extends AgentTestSupport {

	private TestTenant tenant;

	@BeforeEach
	void newTenantPerTest() {
		this.tenant = newTenant();
	}

	@Test
	void createWhenToolParametersAreNotValidJsonSchemaThenValidationProblemNamesThem() {
		Map<String, Object> parameters = Map.of("type", "object", "properties",
				Map.of("order_id", Map.of("type", "text")));
		as(this.tenant.adminKey()).post()
			.uri("/v1/agents")
			.bodyValue(agent("tools", List.of(tool("lookup", parameters))))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type").isEqualTo(VALIDATION_FAILED)
			.jsonPath("$.param").isEqualTo("tools[0].parameters")
			.jsonPath("$.errors[0].message")
			.value(String.class, (message) -> assertThat(message).contains("/properties/order_id/type"));
	}

	@Test
	void createWhenToolParametersBreakTheMetaSchemaElsewhereThenTheRightToolIsNamed() {
		Map<String, Object> good = tool("first", Map.of("type", "object"));
		Map<String, Object> bad = tool("second", Map.of("type", "object", "required", "order_id"));
		reject(agent("tools", List.of(good, bad)), "tools[1].parameters");
	}

	@Test
	void createWhenToolParametersAreNotAnObjectSchemaThenValidationProblemNamesThem() {
		reject(agent("tools", List.of(tool("lookup", Map.of("type", "array")))), "tools[0].parameters");
		reject(agent("tools", List.of(tool("lookup", List.of("not", "a", "schema")))), "tools[0].parameters");
	}

	@Test
	void createWhenToolParametersLeftOutThenAnEmptyObjectSchema() {
		Map<String, Object> created = create(this.tenant.adminKey(),
				agent("tools", List.of(Map.of("name", "hang_up"))));
		assertThat(created.get("tools")).isEqualTo(List.of(Map.of("type", "function", "name", "hang_up",
				"description", "", "parameters", Map.of("type", "object", "properties", Map.of()))));
	}

	@Test
	void createWhenToolNamesRepeatThenValidationProblemNamesTheSecond() {
		Map<String, Object> parameters = Map.of("type", "object");
		reject(agent("tools", List.of(tool("lookup", parameters), tool("lookup", parameters))), "tools[1].name");
	}

	@Test
	void createWhenToolNameMalformedThenValidationProblemNamesIt() {
		reject(agent("tools", List.of(tool("look up!", Map.of("type", "object")))), "tools[0].name");
	}

	@Test
	void createWhenToolTypeIsNotFunctionThenValidationProblemNamesIt() {
		Map<String, Object> tool = tool("search", Map.of("type", "object"));
		tool.put("type", "mcp");
		reject(agent("tools", List.of(tool)), "tools[0].type");
	}

	@Test
	void createWhenMoreThan128ToolsThenValidationProblemNamesTools() {
		List<Map<String, Object>> tools = new ArrayList<>();
		for (int i = 0; i < 129; i++) {
			tools.add(tool("tool_" + i, Map.of("type", "object")));
		}
		reject(agent("tools", tools), "tools");
	}

	@Test
	void createWhenToolChoiceNamesAnUndefinedToolThenValidationProblemNamesToolChoice() {
		Map<String, Object> body = agent("tools", List.of(tool("lookup", Map.of("type", "object"))));
		body.put("tool_choice", Map.of("type", "function", "name", "refund"));
		reject(body, "tool_choice");
	}

	@Test
	void createWhenToolChoiceIsNoKnownModeThenValidationProblemNamesToolChoice() {
		reject(agent("tool_choice", "sometimes"), "tool_choice");
		reject(agent("tool_choice", 3), "tool_choice");
	}

	@Test
	void createWhenToolChoiceRequiredWithoutToolsThenValidationProblemNamesToolChoice() {
		reject(agent("tool_choice", "required"), "tool_choice");
	}

	@Test
	void createWhenThresholdOutOfRangeThenValidationProblemNamesIt() {
		reject(agent("turn_detection", Map.of("type", "server_vad", "threshold", 1.5)), "turn_detection.threshold");
		reject(agent("turn_detection", Map.of("threshold", -0.1)), "turn_detection.threshold");
	}

	@Test
	void createWhenPrefixPaddingOutOfRangeThenValidationProblemNamesIt() {
		reject(agent("turn_detection", Map.of("prefix_padding_ms", 5001)), "turn_detection.prefix_padding_ms");
	}

	@Test
	void createWhenSilenceDurationOutOfRangeThenValidationProblemNamesIt() {
		reject(agent("turn_detection", Map.of("silence_duration_ms", 99)), "turn_detection.silence_duration_ms");
		reject(agent("turn_detection", Map.of("silence_duration_ms", 10_001)), "turn_detection.silence_duration_ms");
	}

	@Test
	void createWhenEagernessUnknownThenValidationProblemNamesIt() {
		reject(agent("turn_detection", Map.of("type", "semantic_vad", "eagerness", "eager")),
				"turn_detection.eagerness");
	}

	@Test
	void createWhenAFieldOfAnotherTurnDetectionTypeIsGivenThenValidationProblemNamesIt() {
		reject(agent("turn_detection", Map.of("type", "semantic_vad", "threshold", 0.5)), "turn_detection.threshold");
		reject(agent("turn_detection", Map.of("type", "none", "create_response", true)),
				"turn_detection.create_response");
	}

	@Test
	void createWhenTurnDetectionTypeUnknownThenValidationProblemNamesIt() {
		reject(agent("turn_detection", Map.of("type", "push_to_talk")), "turn_detection.type");
	}

	@Test
	void createWhenTurnDetectionNoneThenOnlyTheType() {
		assertThat(create(this.tenant.adminKey(), agent("turn_detection", Map.of("type", "none"))).get("turn_detection"))
			.isEqualTo(Map.of("type", "none"));
	}

	static Map<String, Object> tool(String name, Object parameters) {
		Map<String, Object> tool = new HashMap<>();
		tool.put("type", "function");
		tool.put("name", name);
		tool.put("description", "A tool");
		tool.put("parameters", parameters);
		return tool;
	}

	private void reject(Map<String, Object> body, String field) {
		as(this.tenant.adminKey()).post()
			.uri("/v1/agents")
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(VALIDATION_FAILED)
			.jsonPath("$.param")
			.isEqualTo(field);
		assertThat(ids(this.tenant.adminKey())).as("nothing stored").isEmpty();
	}

}

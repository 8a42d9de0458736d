package io.duplex.core.agent;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.duplex.core.agent.AgentConfig.InputAudioTranscription;
import io.duplex.core.agent.AgentConfig.Memory;
import io.duplex.core.agent.AgentConfig.Rollover;
import io.duplex.core.agent.AgentConfig.Tool;
import io.duplex.core.agent.AgentConfig.ToolChoice;
import io.duplex.core.agent.AgentConfig.TurnDetection;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

class AgentConfigTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void rolloverDefaultsWhenModelIsRoomyThenPlainDefaults() {
		assertThat(Rollover.defaults(1800, 128_000)).isEqualTo(new Rollover(900, "full", 8000))
			.isEqualTo(Rollover.defaults());
	}

	@Test
	void rolloverDefaultsWhenModelCapIsCloseAndWindowSmallThenTheyFitTheModel() {
		assertThat(Rollover.latestSeconds(300)).isEqualTo(300 - Rollover.MARGIN_SECONDS);
		assertThat(Rollover.defaults(300, 4000)).isEqualTo(new Rollover(270, "full", 4000));
	}

	@Test
	void turnDetectionDefaultsWhenRenderedThenServerVadWithOpenAiValues() {
		assertThat(TurnDetection.defaults().toJson()).isEqualTo(this.json.readTree("""
				{"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300, "silence_duration_ms": 500,
				 "create_response": true, "interrupt_response": true}"""));
		TurnDetection none = new TurnDetection(TurnDetection.NONE, null, null, null, null, null, null);
		assertThat(none.none()).isTrue();
		assertThat(none.toJson()).isEqualTo(this.json.readTree("{\"type\": \"none\"}"));
	}

	@Test
	void toolChoiceWhenRenderedAndReadThenRoundTrips() {
		ToolChoice book = new ToolChoice(Tool.FUNCTION, "book");
		assertThat(book.toJson()).isEqualTo(this.json.readTree("{\"type\": \"function\", \"name\": \"book\"}"));
		assertThat(ToolChoice.fromJson(book.toJson())).isEqualTo(book);
		assertThat(ToolChoice.AUTO.toJson().asString()).isEqualTo("auto");
		assertThat(ToolChoice.fromJson(JsonNodeFactory.instance.stringNode("required")))
			.isEqualTo(new ToolChoice("required", null));
		assertThat(ToolChoice.fromJson(JsonNodeFactory.instance.nullNode())).isEqualTo(ToolChoice.AUTO);
	}

	@Test
	void withOverridesWhenClientSetInstructionsToolsChoiceAndVoiceThenOnlyThoseChange() {
		AgentConfig agent = agent();
		ObjectNode overrides = (ObjectNode) this.json.readTree("""
				{"instructions": "Client's.", "voice": "marin",
				 "tools": [{"type": "function", "name": "book", "description": "Books.",
				            "parameters": {"type": "object", "properties": {}}}],
				 "tool_choice": {"type": "function", "name": "book"}}""");
		AgentConfig session = agent.withOverrides(overrides);
		assertThat(session.instructions()).isEqualTo("Client's.");
		assertThat(session.voice()).isEqualTo("marin");
		assertThat(session.tools()).containsExactly(
				new Tool("function", "book", "Books.", overrides.get("tools").get(0).get("parameters")));
		assertThat(session.toolChoice()).isEqualTo(new ToolChoice("function", "book"));
		assertThat(session.tools().get(0).toJson()).isEqualTo(overrides.get("tools").get(0));
		assertThat(session).usingRecursiveComparison()
			.ignoringFields("instructions", "voice", "tools", "toolChoice")
			.isEqualTo(agent);
		assertThat(agent.withOverrides(JsonNodeFactory.instance.objectNode())).isEqualTo(agent);
	}

	@Test
	void freesWhenListedInSessionOverridesThenFreed() {
		assertThat(agent().frees("instructions")).isTrue();
		assertThat(agent().frees("voice")).isFalse();
	}

	private static AgentConfig agent() {
		return new AgentConfig("Desk", AgentConfig.DEFAULT_MODEL, "alloy", "Be brief.", List.of(), ToolChoice.AUTO,
				TurnDetection.defaults(), InputAudioTranscription.DEFAULT, AgentConfig.DEFAULT_OUTPUT_MODALITIES, null,
				AgentConfig.DEFAULT_REGION, "cpu-standard", Rollover.defaults(), Memory.DEFAULT,
				List.of("instructions"), Map.of("team", "support"));
	}

}

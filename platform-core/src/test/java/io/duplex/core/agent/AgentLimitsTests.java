package io.duplex.core.agent;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AgentLimitsTests {

	@Test
	void toolNameWhenAtTheLimitThenAcceptedAndOneMoreThenRefused() {
		assertThat(AgentLimits.TOOL_NAME.matcher("a".repeat(AgentLimits.MAX_TOOL_NAME)).matches()).isTrue();
		assertThat(AgentLimits.TOOL_NAME.matcher("a".repeat(AgentLimits.MAX_TOOL_NAME + 1)).matches()).isFalse();
	}

	@Test
	void toolNameWhenNotLettersDigitsUnderscoreOrDashThenRefused() {
		assertThat(AgentLimits.TOOL_NAME.matcher("get_weather-2").matches()).isTrue();
		assertThat(AgentLimits.TOOL_NAME.matcher("").matches()).isFalse();
		assertThat(AgentLimits.TOOL_NAME.matcher("get weather").matches()).isFalse();
		assertThat(AgentLimits.TOOL_NAME.matcher("get.weather").matches()).isFalse();
	}

}

package io.duplex.api.agent;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.duplex.api.catalog.ComputePool;
import io.duplex.api.catalog.Model;
import io.duplex.api.catalog.ModelPrices;
import io.duplex.api.catalog.Region;
import io.duplex.core.web.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Defaults that depend on the model, checked without a database. */
class AgentValidatorTests {

	private final AgentValidator validator = new AgentValidator();

	private final Region region = new Region("us-east", "US East", Region.AVAILABLE);

	private final List<ComputePool> pools = List.of(pool("cpu-standard"), pool("gpu-l4"));

	@Test
	void resolveWhenModelHasShortSessionsAndSmallContextThenRolloverDefaultsFitIt() {
		Model small = model(300, 4000, List.of("gpu-l4", "cpu-standard"));
		AgentConfig config = this.validator.resolve(request(),
				new AgentValidator.Placement(small, this.region, this.pools));
		assertThat(config.rollover()).isEqualTo(new AgentConfig.Rollover(270, "full", 4000));
		assertThat(config.compute()).as("the model's first pool the region has").isEqualTo("gpu-l4");
		assertThat(config.voice()).isEqualTo("coral");
	}

	@Test
	void resolveWhenNothingSetThenEveryDefaultIsThePortsAndThePortReadsItBack() {
		Model model = model(1800, 128_000, List.of("cpu-standard"));
		AgentConfig config = this.validator.resolve(request(), new AgentValidator.Placement(model, this.region,
				this.pools));
		io.duplex.core.agent.AgentConfig port = config.toPort();
		assertThat(port.rollover()).isEqualTo(io.duplex.core.agent.AgentConfig.Rollover.defaults(1800, 128_000))
			.isEqualTo(new io.duplex.core.agent.AgentConfig.Rollover(900, "full", 8000));
		assertThat(port.turnDetection()).isEqualTo(io.duplex.core.agent.AgentConfig.TurnDetection.defaults());
		assertThat(port.inputAudioTranscription())
			.isEqualTo(io.duplex.core.agent.AgentConfig.InputAudioTranscription.DEFAULT);
		assertThat(port.memory()).isEqualTo(io.duplex.core.agent.AgentConfig.Memory.DEFAULT);
		assertThat(port.toolChoice()).isEqualTo(io.duplex.core.agent.AgentConfig.ToolChoice.AUTO);
		assertThat(port.outputModalities()).isEqualTo(io.duplex.core.agent.AgentConfig.DEFAULT_OUTPUT_MODALITIES);
		assertThat(port.instructions()).isEqualTo(io.duplex.core.agent.AgentConfig.DEFAULT_INSTRUCTIONS);
		assertThat(port.tools()).isEmpty();
		assertThat(port.sessionOverrides()).isEmpty();
		assertThat(port.maxOutputTokens()).isNull();
		assertThat(List.of(port.name(), port.model(), port.region(), port.compute(), port.voice()))
			.containsExactly("Probe", "probe", "us-east", "cpu-standard", "coral");
	}

	@Test
	void resolveWhenModelAndRegionUnknownThenBothNamedInOneProblem() {
		assertThatExceptionOfType(ProblemException.class)
			.isThrownBy(() -> this.validator.resolve(request(), new AgentValidator.Placement(null, null, List.of())))
			.satisfies((problem) -> assertThat(problem.getBody().getProperties().get("errors").toString())
				.contains("field=model").contains("field=region"));
	}

	private static AgentRequest request() {
		return new AgentRequest("Probe", "probe", null, null, null, null, null, null, null, null, null, null, null,
				null, null, null);
	}

	private static Model model(int maxSessionSeconds, int contextWindow, List<String> compute) {
		return new Model("probe", "cascade", "cascade", "Probe", contextWindow, maxSessionSeconds, 10, 20,
				List.of("text", "audio"), List.of("coral", "alloy"), List.of("us-east"), compute, prices(), null);
	}

	private static ModelPrices prices() {
		BigDecimal zero = BigDecimal.ZERO;
		return new ModelPrices(zero, zero, zero, zero, zero, zero);
	}

	private static ComputePool pool(String id) {
		return new ComputePool("us-east", id, "none", ComputePool.SHARED_CPU, 10, BigDecimal.ZERO, "");
	}

}

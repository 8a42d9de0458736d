package io.duplex.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchOptionsTests {

	@Test
	void parseWhenNothingGivenThenTheDefaultRun() {
		BenchOptions options = BenchOptions.parse(List.of(), Map.of());
		assertThat(options.sessions()).containsExactly(100, 500, 1000);
		assertThat(options.seconds()).isEqualTo(Duration.ofSeconds(30));
		assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(20));
		assertThat(options.url()).isNull();
		assertThat(options.serverJar()).isEqualTo(Path.of("platform-server/target/duplex-server.jar"));
	}

	@Test
	void parseWhenFrameMsThenFramesOfThatLengthInWholeTenMillisecondSteps() {
		assertThat(BenchOptions.parse(List.of(), Map.of()).frameMs()).isEqualTo(20);
		assertThat(BenchOptions.parse(List.of("--frame-ms", "100"), Map.of()).frameMs()).isEqualTo(100);
		assertThatThrownBy(() -> BenchOptions.parse(List.of("--frame-ms", "25"), Map.of()))
			.isInstanceOf(UsageException.class);
		assertThatThrownBy(() -> BenchOptions.parse(List.of("--frame-ms", "500"), Map.of()))
			.isInstanceOf(UsageException.class);
	}

	@Test
	void parseWhenRolloverAfterThenTheAgentRollsOverThatOften() {
		assertThat(BenchOptions.parse(List.of("--rollover-after", "5"), Map.of()).rolloverAfter()).isEqualTo(5);
		assertThat(BenchOptions.parse(List.of(), Map.of()).rolloverAfter()).isNull();
		assertThatThrownBy(() -> BenchOptions.parse(List.of("--rollover-after", "2"), Map.of()))
			.isInstanceOf(UsageException.class);
	}

	@Test
	void parseWhenUrlThenTheAdminKeyComesFromTheEnvironment() {
		BenchOptions options = BenchOptions.parse(List.of("--url", "http://127.0.0.1:9000", "--sessions", "10, 20"),
				Map.of("DUPLEX_ADMIN_KEY", "dpx_admin"));
		assertThat(options.key()).isEqualTo("dpx_admin");
		assertThat(options.sessions()).containsExactly(10, 20);
	}

	@Test
	void parseWhenMetricsUrlThenMetricsAreScrapedThereElseFromTheUrl() {
		BenchOptions split = BenchOptions.parse(List.of("--url", "http://127.0.0.1:9000", "--metrics-url",
				"http://127.0.0.1:9090"), Map.of("DUPLEX_ADMIN_KEY", "dpx_admin"));
		assertThat(split.metricsUrl()).hasToString("http://127.0.0.1:9090");
		assertThat(BenchOptions.parse(List.of("--url", "http://127.0.0.1:9000"), Map.of("DUPLEX_ADMIN_KEY", "dpx_admin"))
			.metricsUrl()).isNull();
		assertThatThrownBy(() -> BenchOptions.parse(List.of("--metrics-url", "http://127.0.0.1:9090"), Map.of()))
			.hasMessageContaining("--metrics-url goes with --url");
	}

	@Test
	void parseWhenUrlWithoutKeyThenRefused() {
		assertThatThrownBy(() -> BenchOptions.parse(List.of("--url", "http://127.0.0.1:9000"), Map.of()))
			.isInstanceOf(UsageException.class)
			.hasMessageContaining("platform admin key");
	}

	@Test
	void parseWhenKeyWithoutUrlThenRefused() {
		assertThatThrownBy(() -> BenchOptions.parse(List.of("--key", "dpx_x"), Map.of()))
			.hasMessageContaining("--key goes with --url");
	}

	@Test
	void parseWhenSessionsAreNotCountsThenRefused() {
		assertThatThrownBy(() -> BenchOptions.parse(List.of("--sessions", "100,lots"), Map.of()))
			.hasMessageContaining("not 'lots'");
		assertThatThrownBy(() -> BenchOptions.parse(List.of("--sessions", "0"), Map.of()))
			.hasMessageContaining("from 1 to 20000");
	}

	@Test
	void parseWhenWarmupIsZeroThenNone() {
		assertThat(BenchOptions.parse(List.of("--warmup", "0"), Map.of()).warmup()).isZero();
	}

	@Test
	void parseWhenSecondsTooShortThenRefused() {
		assertThatThrownBy(() -> BenchOptions.parse(List.of("--seconds", "1"), Map.of()))
			.hasMessage("--seconds must be between 5 and 3600, not 1.");
	}

}

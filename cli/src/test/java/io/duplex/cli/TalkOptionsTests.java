package io.duplex.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TalkOptionsTests {

	private static final Map<String, String> NO_ENV = Map.of();

	@Test
	void parseWhenAllGivenThenEverythingIsSet() {
		TalkOptions options = TalkOptions.parse(List.of("--agent", "agt_1", "--url", "http://localhost:9000/", "--key", "k",
				"--in", "hello.wav", "--out", "reply.wav", "--quiet", "--timeout=5"), NO_ENV);
		assertThat(options.agent()).isEqualTo("agt_1");
		assertThat(options.base()).hasToString("http://localhost:9000");
		assertThat(options.key()).isEqualTo("k");
		assertThat(options.in()).isEqualTo(Path.of("hello.wav"));
		assertThat(options.out()).isEqualTo(Path.of("reply.wav"));
		assertThat(options.quiet()).isTrue();
		assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(options.realtimeUri()).hasToString("ws://localhost:9000/v1/realtime?agent=agt_1");
	}

	@Test
	void parseWhenKeyAndUrlAreLeftOutThenTheEnvironmentGivesThem() {
		TalkOptions options = TalkOptions.parse(List.of("--agent", "agt_1", "--text", "hi"),
				Map.of("DUPLEX_KEY", "dpx_env", "DUPLEX_URL", "https://duplex.example.com/base"));
		assertThat(options.key()).isEqualTo("dpx_env");
		assertThat(options.realtimeUri()).hasToString("wss://duplex.example.com/base/v1/realtime?agent=agt_1");
		assertThat(options.text()).isEqualTo("hi");
	}

	@Test
	void parseWhenNoUrlAnywhereThenLocalDefault() {
		TalkOptions options = TalkOptions.parse(List.of("--agent", "agt_1", "--key", "k", "--text", "hi"), NO_ENV);
		assertThat(options.realtimeUri()).hasToString("ws://127.0.0.1:8080/v1/realtime?agent=agt_1");
	}

	@Test
	void parseWhenAgentIsMissingThenSaysSo() {
		assertThatThrownBy(() -> TalkOptions.parse(List.of("--key", "k", "--text", "hi"), NO_ENV))
			.isInstanceOf(UsageException.class)
			.hasMessageContaining("--agent agt_");
	}

	@Test
	void parseWhenAgentIsNotAnAgentIdThenSaysSo() {
		assertThatThrownBy(() -> TalkOptions.parse(List.of("--agent", "Front desk", "--key", "k", "--text", "hi"), NO_ENV))
			.hasMessageContaining("not 'Front desk'");
	}

	@Test
	void parseWhenNoKeyThenNamesBothWaysToGiveOne() {
		assertThatThrownBy(() -> TalkOptions.parse(List.of("--agent", "agt_1", "--text", "hi"), NO_ENV))
			.hasMessageContaining("--key")
			.hasMessageContaining("DUPLEX_KEY");
	}

	@Test
	void parseWhenNeitherInNorTextThenAsksForOne() {
		assertThatThrownBy(() -> TalkOptions.parse(List.of("--agent", "agt_1", "--key", "k"), NO_ENV))
			.hasMessageContaining("--in")
			.hasMessageContaining("--text");
	}

	@Test
	void parseWhenBothInAndTextThenRefused() {
		assertThatThrownBy(
				() -> TalkOptions.parse(List.of("--agent", "agt_1", "--key", "k", "--in", "a.wav", "--text", "hi"), NO_ENV))
			.hasMessage("--in and --text are alternatives: give one of them.");
	}

	@Test
	void parseWhenUnknownOptionThenNamed() {
		assertThatThrownBy(() -> TalkOptions.parse(List.of("--agent", "agt_1", "--volume", "11"), NO_ENV))
			.hasMessage("Unknown option --volume for 'duplex talk'.");
	}

	@Test
	void parseWhenValueIsMissingThenNamed() {
		assertThatThrownBy(() -> TalkOptions.parse(List.of("--agent", "agt_1", "--key", "k", "--in"), NO_ENV))
			.hasMessage("--in needs a value.");
		assertThatThrownBy(() -> TalkOptions.parse(List.of("--agent", "--key", "k"), NO_ENV))
			.hasMessage("--agent needs a value.");
	}

	@Test
	void parseWhenOptionRepeatedThenRefused() {
		assertThatThrownBy(() -> TalkOptions.parse(List.of("--agent", "agt_1", "--agent", "agt_2"), NO_ENV))
			.hasMessage("--agent is given twice.");
	}

	@Test
	void parseWhenStrayWordThenRefused() {
		assertThatThrownBy(() -> TalkOptions.parse(List.of("hello.wav"), NO_ENV))
			.hasMessageContaining("Unexpected 'hello.wav'");
	}

	@Test
	void parseWhenTimeoutIsNotANumberThenSaysSo() {
		assertThatThrownBy(() -> TalkOptions.parse(List.of("--agent", "agt_1", "--key", "k", "--text", "x", "--timeout",
				"soon"), NO_ENV))
			.hasMessage("--timeout must be a number, not 'soon'.");
		assertThatThrownBy(() -> TalkOptions.parse(List.of("--agent", "agt_1", "--key", "k", "--text", "x", "--timeout",
				"0"), NO_ENV))
			.hasMessage("--timeout must be between 1 and 3600, not 0.");
	}

	@Test
	void parseWhenUrlIsNotHttpThenRefused() {
		assertThatThrownBy(() -> TalkOptions.parse(List.of("--agent", "agt_1", "--key", "k", "--text", "x", "--url",
				"ftp://host"), NO_ENV))
			.hasMessageContaining("http:// or https://");
		assertThatThrownBy(() -> TalkOptions.parse(List.of("--agent", "agt_1", "--key", "k", "--text", "x", "--url",
				"http://host/?agent=x"), NO_ENV))
			.hasMessageContaining("without ?query");
	}

	@Test
	void baseUrlWhenWebSocketSchemeThenTakenAsHttp() {
		assertThat(TalkOptions.baseUrl("ws://127.0.0.1:8080")).hasToString("http://127.0.0.1:8080");
		assertThat(TalkOptions.baseUrl("wss://example.com//")).hasToString("https://example.com");
	}

	@Test
	void makeWavWhenSecondsGivenThenParsed() {
		TalkOptions.MakeWav make = TalkOptions.MakeWav.parse(List.of("--make-wav", "t.wav", "--seconds", "1.5"));
		assertThat(make.file()).isEqualTo(Path.of("t.wav"));
		assertThat(make.seconds()).isEqualTo(1.5);
		assertThat(TalkOptions.MakeWav.parse(List.of("--make-wav", "t.wav")).seconds()).isEqualTo(2);
	}

	@Test
	void makeWavWhenOtherOptionsThenRefused() {
		assertThatThrownBy(() -> TalkOptions.MakeWav.parse(List.of("--make-wav", "t.wav", "--agent", "agt_1")))
			.hasMessage("Unknown option --agent for 'duplex talk --make-wav'.");
	}

}

package io.duplex.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class DuplexCliTests {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@Test
	void runWhenMakeWavThenWritesSpeechLikeAudio(@TempDir Path directory) {
		Path file = directory.resolve("hello.wav");
		int exit = run("talk", "--make-wav", file.toString(), "--seconds", "1");
		assertThat(exit).isZero();
		assertThat(Wav.read(file).samples()).containsExactly(SpeechLike.withLeadingSilence(1));
		assertThat(text(this.out)).contains("Wrote " + file + ": 1.00 s of speech-like audio after 0.3 s of silence");
	}

	@Test
	void runWhenUsageIsWrongThenExitCodeTwoWithTheUsage() {
		int exit = run("talk", "--agent", "agt_1", "--key", "k");
		assertThat(exit).isEqualTo(DuplexCli.USAGE);
		assertThat(text(this.err)).startsWith("duplex talk: Say something").contains("usage: duplex talk");
	}

	@Test
	void runWhenCommandIsUnknownThenExitCodeTwo() {
		assertThat(run("chat")).isEqualTo(DuplexCli.USAGE);
		assertThat(text(this.err)).contains("Unknown command 'chat'");
	}

	@Test
	void runWhenBenchUsageIsWrongThenTheBenchUsage() {
		assertThat(run("bench", "--sessions", "many")).isEqualTo(DuplexCli.USAGE);
		assertThat(text(this.err)).contains("usage: duplex bench");
	}

	@Test
	void runWhenTheFileIsMissingThenExitCodeOneWithoutATrace(@TempDir Path directory) {
		int exit = run("talk", "--agent", "agt_1", "--key", "k", "--in", directory.resolve("none.wav").toString());
		assertThat(exit).isEqualTo(DuplexCli.FAILED);
		assertThat(text(this.err)).contains("none.wav does not exist").doesNotContain("Exception");
	}

	private int run(String... args) {
		return DuplexCli.run(List.of(args), new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8), Map.of());
	}

	private static String text(ByteArrayOutputStream stream) {
		return stream.toString(StandardCharsets.UTF_8);
	}

}

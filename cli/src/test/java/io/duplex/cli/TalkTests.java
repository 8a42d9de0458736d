package io.duplex.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code duplex talk} end to end against {@link FakeRealtimeServer} on loopback. */
class TalkTests {

	private static final String KEY = "dpx_test";

	private final FakeRealtimeServer server = new FakeRealtimeServer(KEY);

	private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

	@BeforeAll
	static void quiet() {
		// as the command does: a refused handshake is reported in words, not as Netty's stack trace
		DuplexCli.quietLogs();
	}

	@BeforeEach
	void start() {
		this.server.start();
	}

	@AfterEach
	void stop() {
		this.server.stop();
	}

	@Test
	void runWhenSpeakingThenStreamsAtRealTimePaceAndWritesTheReply(@TempDir Path directory) {
		Path in = directory.resolve("hello.wav");
		Path out = directory.resolve("reply.wav");
		short[] speech = SpeechLike.withLeadingSilence(0.5);
		Wav.write(in, speech);

		int exit = talk("--in", in.toString(), "--out", out.toString());

		String output = output();
		assertThat(exit).as(output).isZero();
		assertThat(this.server.authorization).isEqualTo("Bearer " + KEY);
		assertThat(this.server.agent).isEqualTo("agt_test");
		// the audio arrived whole and in order, and no faster than it lasts
		short[] received = this.server.received();
		assertThat(received.length).isGreaterThanOrEqualTo(speech.length);
		assertThat(java.util.Arrays.copyOf(received, speech.length)).containsExactly(speech);
		double seconds = (double) speech.length / Wav.RATE;
		assertThat(this.server.secondsToReceive(speech.length)).isGreaterThanOrEqualTo(seconds - 0.005);
		// the reply's audio is the deltas' audio, as WAV
		assertThat(Wav.read(out).samples()).containsExactly(FakeRealtimeServer.reply());
		assertThat(output).contains("input_audio_buffer.speech_started", "response.done", "status=completed")
			.contains("user       (0.5 seconds of speech)")
			.contains("assistant  You spoke for 0.5 seconds.")
			.containsPattern("text +3 +1 +7")
			.containsPattern("audio +5 +0 +10")
			.containsPattern("total +8 +1 +17 +\\(25 in all\\)")
			.contains("reply        500 ms of audio in 5 deltas -> " + out);
	}

	@Test
	void runWhenTypingThenSendsTheItemAndAsksForAResponse() {
		int exit = talk("--text", "Hi there");

		assertThat(exit).as(output()).isZero();
		assertThat(this.server.clientEvents).contains("conversation.item.create", "response.create");
		assertThat(this.server.clientEvents).doesNotContain("input_audio_buffer.append");
		assertThat(output()).contains("user       Hi there").contains("assistant  You spoke for 0.5 seconds.");
	}

	@Test
	void runWhenTheServerSendsAnErrorThenTheExitCodeIsOne() {
		this.server.errorOnText = true;

		int exit = talk("--text", "Hi there");

		assertThat(exit).isEqualTo(1);
		assertThat(output()).contains("Errors").contains("invalid_request_error invalid_value: Not today.");
	}

	@Test
	void runWhenTheKeyIsRefusedThenSaysSoAndFails() {
		int exit = new Talk(TalkOptions.parse(List.of("--agent", "agt_test", "--url", this.server.url(), "--key", "dpx_wrong",
				"--text", "hi"), Map.of()), new PrintStream(this.printed, true, StandardCharsets.UTF_8)).run();

		assertThat(exit).isEqualTo(1);
		assertThat(output()).contains("the server refused the session: HTTP 401: the API key was refused");
	}

	@Test
	void runWhenNothingListensThenSaysTheServerIsNotRunning() {
		String url = this.server.url();
		this.server.stop();

		int exit = talkTo(url, "--text", "hi");

		assertThat(exit).isEqualTo(1);
		assertThat(output()).contains("could not connect to " + url).contains("Is the server running?");
	}

	private int talk(String... options) {
		return talkTo(this.server.url(), options);
	}

	private int talkTo(String url, String... options) {
		List<String> args = new java.util.ArrayList<>(List.of("--agent", "agt_test", "--url", url, "--key", KEY));
		args.addAll(List.of(options));
		return new Talk(TalkOptions.parse(args, Map.of()), new PrintStream(this.printed, true, StandardCharsets.UTF_8)).run();
	}

	private String output() {
		return this.printed.toString(StandardCharsets.UTF_8);
	}

	static String base64(short[] samples) {
		return Base64.getEncoder().encodeToString(Wav.toPcm(samples, 0, samples.length));
	}

}

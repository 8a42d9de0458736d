package io.duplex.session.gateway;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.duplex.session.SessionTestSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * OpenAI's official Node SDK ({@code openai} 6.x, {@code OpenAIRealtimeWS}) opens a session with an
 * ephemeral key minted by OpenAI's {@code POST /v1/realtime/client_secrets}: the SDK sends the key
 * as {@code Authorization: Bearer ek_…} with {@code ?model=<agent>}. The script and its locked
 * dependencies are among the test resources ({@code openai-sdk/}); their packages are installed
 * with {@code npm ci} beside the compiled copy the first time. Node.js 20 or newer must be on the
 * path ({@code .ci/run} installs it where it is missing).
 */
class OpenAiNodeSdkTests extends SessionTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void openAiNodeSdkWithAnEphemeralKeyOpensTheSessionTheKeyWasMintedForAndItAnswers() throws Exception {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String minted = as(tenant.adminKey()).post()
			.uri("/v1/realtime/client_secrets")
			.bodyValue(Map.of("session", Map.of("type", "realtime", "model", agent)))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		JsonNode secret = json.readTree(minted);
		String sessionId = secret.path("session").path("id").asString();

		Path script = installed();
		ProcessBuilder node = new ProcessBuilder("node", script.getFileName().toString(),
				"http://127.0.0.1:" + this.port + "/v1", agent)
			.directory(script.getParent().toFile());
		// in the environment rather than the arguments, where any process listing would show it
		node.environment().put("DUPLEX_CLIENT_SECRET", secret.path("value").asString());
		Run run = run(node, Duration.ofSeconds(60));
		assertThat(run.exitCode()).as("node exited; its errors: %s", run.errors()).isZero();

		List<JsonNode> events = run.output().lines().filter((line) -> line.startsWith("{")).map(json::readTree).toList();
		List<String> types = events.stream().map((event) -> event.path("type").asString()).toList();
		assertThat(types).startsWith("session.created").contains("response.output_audio_transcript.done")
			.endsWith("response.done");
		assertThat(events.get(0).path("session").path("id").asString()).isEqualTo(sessionId);
		assertThat(events.get(0).path("session").path("model").asString()).isEqualTo(agent);
		JsonNode transcript = events.stream()
			.filter((event) -> "response.output_audio_transcript.done".equals(event.path("type").asString()))
			.findFirst()
			.orElseThrow();
		assertThat(transcript.path("transcript").asString()).contains("hello from the node sdk");
		assertThat(events.get(events.size() - 1).path("response").path("status").asString()).isEqualTo("completed");
		// the key was used up by the SDK's socket: the session ran (and has ended or is ending)
		assertThat(get(as(tenant.adminKey()), "/v1/sessions/" + sessionId).get("status")).isNotEqualTo("created");
	}

	/** The script among the compiled test resources, its packages installed beside it. */
	private static Path installed() throws IOException, InterruptedException, URISyntaxException {
		URL resource = OpenAiNodeSdkTests.class.getResource("/openai-sdk/realtime.mjs");
		assertThat(resource).as("the openai-sdk test resources").isNotNull();
		Path script = Path.of(resource.toURI());
		Path sdk = script.getParent().resolve("node_modules/openai/package.json");
		if (!Files.exists(sdk)) {
			ProcessBuilder npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
				.directory(script.getParent().toFile());
			Run install = run(npm, Duration.ofMinutes(5));
			assertThat(install.exitCode()).as("npm ci failed: %s", install.errors()).isZero();
		}
		return script;
	}

	/** What a process wrote and how it exited; one that runs past {@code limit} is killed and fails the test. */
	private static Run run(ProcessBuilder builder, Duration limit) throws IOException, InterruptedException {
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			return fail("cannot run " + builder.command().get(0) + " (Node.js 20 or newer with npm must be installed; "
					+ ".ci/run installs them)", ex);
		}
		CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
		CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
		if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroyForcibly();
			return fail(builder.command() + " did not finish within " + limit);
		}
		return new Run(process.exitValue(), output.join(), errors.join());
	}

	private static String read(java.io.InputStream stream) {
		try (stream) {
			return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record Run(int exitCode, String output, String errors) {
	}

}

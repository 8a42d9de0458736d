package io.duplex.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the packaged server the way the README says ({@code ./duplex start}), on an embedded
 * PostgreSQL in a fresh data directory, runs the README's walk-through exactly as written, then
 * restarts the server and checks that the tenant and agent are still there.
 */
class ReadmeWalkthroughIntegrationTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final String ADMIN_KEY = "dpx_readmewalkthrough000000000000000000000000000";

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@TempDir
	Path dataDir;

	private Process server;

	@AfterEach
	void stopServer() throws InterruptedException {
		stop();
	}

	@Test
	void walkthroughWorksAsWrittenAndDataSurvivesARestart() throws Exception {
		int port = freePort();
		String base = "http://127.0.0.1:" + port;
		start(port);

		String walkthrough = walkthrough();
		// print the ids the walk-through made, to check them after the restart
		ProcessBuilder bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c",
				walkthrough + "\necho \"IDS $TENANT $AGENT $DUPLEX_KEY\"\n");
		bash.environment().put("DUPLEX_URL", base);
		bash.environment().put("DUPLEX_ADMIN_KEY", ADMIN_KEY);
		bash.redirectErrorStream(true);
		Process run = bash.start();
		String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(run.exitValue()).as(output).isZero();
		assertThat(output).contains("tenant: ten_").contains("agent: agt_").contains("sandbox\tsandbox");
		assertThat(output).contains("v2: You are a friendly receptionist. Keep answers short.")
			.contains("v1: You are a friendly receptionist.");
		Matcher ids = Pattern.compile("IDS (ten_\\S+) (agt_\\S+) (dpx_\\S+)").matcher(output);
		assertThat(ids.find()).as(output).isTrue();

		stop();
		start(port);
		assertThat(get(base + "/v1/tenants/" + ids.group(1), ADMIN_KEY).statusCode()).isEqualTo(200);
		HttpResponse<String> agent = get(base + "/v1/agents/" + ids.group(2), ids.group(3));
		assertThat(agent.statusCode()).isEqualTo(200);
		assertThat(agent.body()).contains("\"version\":2").contains("Keep answers short.");
	}

	/** The bash block between the walk-through markers of README.md, as a reader would copy it. */
	static String walkthrough() throws IOException {
		String readme = Files.readString(ROOT.resolve("README.md"));
		Matcher block = Pattern
			.compile("<!-- walkthrough:start -->\\s*```bash\\n(.*?)```\\s*<!-- walkthrough:end -->", Pattern.DOTALL)
			.matcher(readme);
		assertThat(block.find()).as("README.md has a walk-through block").isTrue();
		return block.group(1);
	}

	private void start(int port) throws Exception {
		ProcessBuilder builder = new ProcessBuilder("./duplex", "start", "--no-build", "--server.port=" + port);
		builder.directory(ROOT.toFile());
		Map<String, String> environment = builder.environment();
		environment.put("DUPLEX_DATA_DIR", this.dataDir.toString());
		environment.put("DUPLEX_BOOTSTRAP_ADMIN_KEY", ADMIN_KEY);
		environment.remove("DUPLEX_DATABASE_URL");
		builder.redirectErrorStream(true);
		builder.redirectOutput(this.dataDir.resolve("server-" + port + "-" + Instant.now().toEpochMilli() + ".log").toFile());
		this.server = builder.start();
		Instant deadline = Instant.now().plusSeconds(90);
		while (Instant.now().isBefore(deadline)) {
			assertThat(this.server.isAlive()).as("the server process is running").isTrue();
			try {
				if (get("http://127.0.0.1:" + port + "/actuator/health/readiness", null).statusCode() == 200) {
					return;
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new AssertionError("the server did not become ready within 90 s");
	}

	private void stop() throws InterruptedException {
		if (this.server != null && this.server.isAlive()) {
			// SIGTERM: the graceful shutdown a user's Ctrl-C or a container stop gives
			this.server.destroy();
			if (!this.server.waitFor(30, TimeUnit.SECONDS)) {
				this.server.destroyForcibly().waitFor();
			}
		}
		this.server = null;
	}

	private static HttpResponse<String> get(String url, String key) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
		if (key != null) {
			request.header("Authorization", "Bearer " + key);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}

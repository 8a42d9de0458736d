package io.duplex.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What {@code duplex bench} was asked to do.
 * @param sessions the session counts to run, one after another
 * @param seconds how long each count is measured, once all its sessions stream
 * @param url a running server to measure; null to start the packaged one
 * @param key a platform admin key of that server (not needed when the benchmark starts its own)
 * @param metricsUrl where that server's {@code /actuator/prometheus} answers, when on a management
 * port of its own; null for {@code url} itself (with the key)
 * @param serverJar the packaged server, when the benchmark starts it
 * @param jfr a directory for a JFR recording of the server per measurement, if wanted
 * @param warmup how long the first count runs unmeasured before the measurements
 */
record BenchOptions(List<Integer> sessions, Duration seconds, @Nullable URI url, @Nullable String key,
		@Nullable URI metricsUrl, Path serverJar,
		@Nullable Path jfr, Duration warmup, @Nullable Integer rolloverAfter, int frameMs) {

	static final String USAGE = """
			usage: duplex bench [--sessions 100,500,1000] [--seconds 30] [--warmup 20] [--frame-ms 20] [--rollover-after S]
			                    [--url http://127.0.0.1:8080 --key $DUPLEX_ADMIN_KEY [--metrics-url http://127.0.0.1:9090]]
			                    [--jfr DIR]""";

	/** Frame lengths a client may send: whole 10 ms steps, as audio APIs deliver them. */
	private static int frameMs(Arguments arguments) {
		int frameMs = (int) arguments.number("frame-ms", LoadRun.FRAME_MS, 10, 200);
		if (frameMs % 10 != 0) {
			throw new UsageException("--frame-ms takes 10, 20, … 200 (whole 10 ms steps); not " + frameMs + ".");
		}
		return frameMs;
	}

	static BenchOptions parse(List<String> args, Map<String, String> env) {
		Arguments arguments = Arguments.parse("bench", args, Set.of("sessions", "seconds", "warmup", "url", "key", "server-jar",
				"jfr", "rollover-after", "frame-ms", "metrics-url"),
				Set.of());
		List<Integer> sessions = new ArrayList<>();
		for (String count : arguments.value("sessions", "100,500,1000").split(",")) {
			try {
				int n = Integer.parseInt(count.strip());
				if (n < 1 || n > 20_000) {
					throw new NumberFormatException();
				}
				sessions.add(n);
			}
			catch (NumberFormatException ex) {
				throw new UsageException("--sessions takes counts from 1 to 20000 separated by commas, like 100,500,1000; not '"
						+ count + "'.");
			}
		}
		double seconds = arguments.number("seconds", 30, 5, 3600);
		double warmup = arguments.number("warmup", 20, 0, 600);
		URI url = null;
		String key = null;
		if (arguments.value("url") != null) {
			url = TalkOptions.baseUrl(arguments.value("url", ""));
			key = arguments.value("key", env.getOrDefault("DUPLEX_ADMIN_KEY", ""));
			if (key.isBlank()) {
				throw new UsageException("Measuring a running server needs its platform admin key: --key or DUPLEX_ADMIN_KEY "
						+ "(the benchmark creates a tenant and an agent there).");
			}
		}
		else if (arguments.value("key") != null) {
			throw new UsageException("--key goes with --url; without --url the benchmark starts its own server and key.");
		}
		URI metricsUrl = null;
		if (arguments.value("metrics-url") != null) {
			if (url == null) {
				throw new UsageException("--metrics-url goes with --url; the benchmark's own server has its metrics "
						+ "on a management port it chooses.");
			}
			metricsUrl = TalkOptions.baseUrl(arguments.value("metrics-url", ""));
		}
		String jfr = arguments.value("jfr");
		if (jfr != null && url != null) {
			throw new UsageException("--jfr needs the benchmark's own server (it runs jcmd on it): drop --url.");
		}
		Integer rolloverAfter = (arguments.value("rollover-after") != null)
				? (int) arguments.number("rollover-after", 900, 5, 86_400) : null;
		return new BenchOptions(List.copyOf(sessions), Duration.ofMillis((long) (seconds * 1000)), url, key, metricsUrl,
				Path.of(arguments.value("server-jar", "platform-server/target/duplex-server.jar")),
				(jfr != null) ? Path.of(jfr) : null, Duration.ofMillis((long) (warmup * 1000)), rolloverAfter,
				frameMs(arguments));
	}

}

package io.duplex.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The packaged server, started by the benchmark on a free loopback port (and its actuator on
 * another, as in a cluster) with a throwaway data directory and a generated platform admin key,
 * and stopped (with its embedded PostgreSQL) and removed afterwards. Being its parent, the
 * benchmark can also run {@code jcmd} on it.
 */
final class BenchServer implements AutoCloseable {

	static final String HEAP = "-Xmx4g";

	private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

	private final Process process;

	private final Path directory;

	final URI base;

	/** The management server: health and {@code /actuator/prometheus}. */
	final URI management;

	final String adminKey;

	final Path log;

	private final Thread cleanup = new Thread(this::stop, "bench-server-cleanup");

	private BenchServer(Process process, Path directory, URI base, URI management, String adminKey, Path log) {
		this.process = process;
		this.directory = directory;
		this.base = base;
		this.management = management;
		this.adminKey = adminKey;
		this.log = log;
		// Ctrl-C on the benchmark must not leave a server and its PostgreSQL running
		Runtime.getRuntime().addShutdownHook(this.cleanup);
	}

	/** Starts the jar and waits until it is ready. */
	static BenchServer start(Path jar, PrintStream out) {
		if (!Files.isRegularFile(jar)) {
			throw new CliException(jar + " does not exist; build it with ./duplex build.");
		}
		try {
			Path directory = Files.createTempDirectory("duplex-bench-");
			Path log = directory.resolve("server.log");
			int port = freePort();
			int managementPort = freePort();
			String key = adminKey();
			List<String> command = new ArrayList<>(List.of(javaHome().resolve("bin/java").toString(), HEAP));
			// for looking into the server (deeper JFR stacks, GC logs), never needed for the figures
			String extra = System.getenv().getOrDefault("DUPLEX_BENCH_SERVER_JAVA_OPTS", "").strip();
			if (!extra.isEmpty()) {
				command.addAll(List.of(extra.split("\\s+")));
			}
			command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--server.port=" + port,
					"--server.address=127.0.0.1", "--management.server.port=" + managementPort,
					"--management.server.address=127.0.0.1"));
			ProcessBuilder builder = new ProcessBuilder(command);
			builder.environment().put("DUPLEX_DATA_DIR", directory.resolve("data").toString());
			builder.environment().put("DUPLEX_BOOTSTRAP_ADMIN_KEY", key);
			// the benchmark's one tenant is alone on this server: it may fill the pool it measures
			builder.environment().put("DUPLEX_SESSIONS_MAXPOOLSHARE", "100");
			builder.redirectErrorStream(true).redirectOutput(log.toFile());
			out.println("Starting " + jar.getFileName() + " (" + HEAP + (extra.isEmpty() ? "" : " " + extra)
					+ ") on 127.0.0.1:" + port + " (actuator on " + managementPort + "), log " + log);
			BenchServer server = new BenchServer(builder.start(), directory, URI.create("http://127.0.0.1:" + port),
					URI.create("http://127.0.0.1:" + managementPort), key, log);
			server.awaitReady();
			return server;
		}
		catch (IOException ex) {
			throw new CliException("Could not start the server: " + ex.getMessage(), ex);
		}
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * The embedded PostgreSQL's processes. {@code pg_ctl} detaches them from the server, so they
	 * are found by their data directory, which only they name.
	 */
	List<Long> postgresPids() {
		String data = this.directory.resolve("data").toString();
		return ProcessHandle.allProcesses()
			.filter((process) -> process.info().commandLine().map((line) -> line.contains(data)).orElse(false)
					|| process.parent().map((parent) -> parent.info().commandLine().map((line) -> line.contains(data))
						.orElse(false)).orElse(false))
			.map(ProcessHandle::pid)
			.toList();
	}

	private void awaitReady() {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		long until = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (System.nanoTime() < until) {
			if (!this.process.isAlive()) {
				throw new CliException("The server exited with " + this.process.exitValue() + " while starting; see "
						+ this.log + ":\n" + tail());
			}
			try {
				HttpResponse<String> response = http.send(HttpRequest.newBuilder(this.management.resolve("/actuator/health/readiness"))
					.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CliException("Interrupted while the server was starting.");
			}
			sleep(500);
		}
		throw new CliException("The server was not ready within " + READY_TIMEOUT.toSeconds() + " s; see " + this.log);
	}

	/** Whether {@code jcmd} can be run on the server: the JDK has it. */
	boolean hasJcmd() {
		return Files.isExecutable(javaHome().resolve("bin/jcmd"));
	}

	/**
	 * Runs {@code jcmd <pid> <command…>}, e.g. {@code GC.run}.
	 * @return its output, or null when it failed
	 */
	@Nullable String jcmd(String... command) {
		List<String> line = new ArrayList<>(List.of(javaHome().resolve("bin/jcmd").toString(), Long.toString(pid())));
		line.addAll(List.of(command));
		try {
			Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
			String output = new String(jcmd.getInputStream().readAllBytes());
			return (jcmd.waitFor(60, TimeUnit.SECONDS) && jcmd.exitValue() == 0) ? output : null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	@Override
	public void close() {
		stop();
		try {
			Runtime.getRuntime().removeShutdownHook(this.cleanup);
		}
		catch (IllegalStateException ex) {
			// already shutting down: the hook runs stop() again, which is harmless
		}
	}

	/** SIGTERM (a graceful stop, which also stops PostgreSQL), then force; then the data goes, the log stays. */
	private synchronized void stop() {
		if (this.process.isAlive()) {
			List<ProcessHandle> children = postgresPids().stream().map(ProcessHandle::of)
				.flatMap(java.util.Optional::stream).toList();
			this.process.destroy();
			try {
				if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
					this.process.waitFor(10, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			// the server started these: a PostgreSQL left behind by a forced stop is ended by its pid
			children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
		}
		delete(this.directory.resolve("data"));
	}

	private String tail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(no log)";
		}
	}

	private static void delete(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			System.err.println("Could not remove " + directory + ": " + ex.getMessage());
		}
	}

	static Path javaHome() {
		return Path.of(System.getProperty("java.home"));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/** A key like the server makes: {@code dpx_} and 48 random lowercase letters and digits. */
	static String adminKey() {
		String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
		SecureRandom random = new SecureRandom();
		StringBuilder key = new StringBuilder("dpx_");
		for (int i = 0; i < 48; i++) {
			key.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return key.toString();
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("Interrupted.");
		}
	}

}

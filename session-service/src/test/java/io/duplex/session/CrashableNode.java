package io.duplex.session;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.duplex.core.database.DatabaseUrl;
import io.duplex.session.engine.EngineServices;
import io.duplex.test.TestDatabase;

/**
 * A node of the platform in a JVM of its own, on the tests' database: the same application as
 * {@link SessionNode}'s, in a child process a test can kill as {@code kill -9} would
 * ({@link #kill()}: SIGKILL, no shutdown hook, no close frame, no last write).
 */
public final class CrashableNode implements AutoCloseable {

	private static final String READY = "CRASHABLE_NODE_READY";

	private static final Pattern READY_LINE = Pattern.compile(READY + " port=(\\d+) node=(\\S+)");

	private final Process process;

	private final Path output;

	private final int port;

	private final String nodeId;

	private CrashableNode(Process process, Path output, int port, String nodeId) {
		this.process = process;
		this.output = output;
		this.port = port;
		this.nodeId = nodeId;
	}

	/**
	 * Starts a node in a child JVM with {@code properties} over {@link SessionNode}'s defaults;
	 * returns once it serves (waits up to {@code startup}).
	 */
	public static CrashableNode start(Map<String, String> properties, Duration startup) throws IOException {
		Path output = Files.createTempFile("crashable-node", ".log");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true", "-cp",
				System.getProperty("java.class.path"), Main.class.getName()));
		properties.forEach((name, value) -> command.add(name + "=" + value));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(output.toFile());
		// the child's TestDatabase opens this one rather than starting its own
		builder.environment().put(TestDatabase.URL_VARIABLE, url(TestDatabase.get()));
		Process process = builder.start();
		long deadline = System.nanoTime() + startup.toNanos();
		while (System.nanoTime() < deadline) {
			Matcher ready = READY_LINE.matcher(Files.readString(output));
			if (ready.find()) {
				return new CrashableNode(process, output, Integer.parseInt(ready.group(1)), ready.group(2));
			}
			if (!process.isAlive()) {
				throw new IllegalStateException("The node exited with " + process.exitValue() + ":\n" + tail(output));
			}
			sleep(100);
		}
		process.destroyForcibly();
		throw new IllegalStateException("The node did not start within " + startup + ":\n" + tail(output));
	}

	public int port() {
		return this.port;
	}

	/** The node's id, as its lease and its sessions' records name it. */
	public String nodeId() {
		return this.nodeId;
	}

	/** Kills the node's process with SIGKILL and waits until it is gone: nothing of it runs after this. */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor();
	}

	@Override
	public void close() throws IOException, InterruptedException {
		kill();
		Files.deleteIfExists(this.output);
	}

	/** The URL form {@link TestDatabase} reads from its environment variable. */
	private static String url(DatabaseUrl database) {
		StringBuilder url = new StringBuilder("postgresql://");
		if (database.username() != null) {
			url.append(URLEncoder.encode(database.username(), StandardCharsets.UTF_8));
			if (database.password() != null) {
				url.append(':').append(URLEncoder.encode(database.password(), StandardCharsets.UTF_8));
			}
			url.append('@');
		}
		url.append(database.host()).append(':').append(database.port()).append('/').append(database.database());
		if (database.query() != null) {
			url.append('?').append(database.query());
		}
		return url.toString();
	}

	private static String tail(Path output) {
		try {
			String text = Files.readString(output);
			return text.substring(Math.max(0, text.length() - 4000));
		}
		catch (IOException ex) {
			return "(no output: " + ex.getMessage() + ")";
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The child process: boots the node, says where it listens, and runs until it is killed. */
	public static final class Main {

		private Main() {
		}

		public static void main(String[] args) throws InterruptedException {
			Map<String, Object> properties = new java.util.HashMap<>();
			for (String arg : args) {
				int equals = arg.indexOf('=');
				properties.put(arg.substring(0, equals), arg.substring(equals + 1));
			}
			SessionNode node = SessionNode.start(properties);
			System.out.println(READY + " port=" + node.port() + " node=" + node.bean(EngineServices.class).nodeId());
			System.out.flush();
			Thread.currentThread().join();
		}

	}

}

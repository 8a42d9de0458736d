package io.duplex.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.stream.LongStream;

import org.jspecify.annotations.Nullable;
import reactor.netty.resources.LoopResources;

/**
 * {@code duplex bench}: for each session count, opens that many sessions against one server
 * (ramped over a few seconds), lets them stream speech at real-time pace, and measures a window
 * of {@code --seconds} once all of them stream: the gateway's added latency per audio frame from
 * the server's histogram, the lateness of output audio at the client, CPU and heap per session.
 * Prints a table and the same as Markdown.
 */
final class Bench {

	static final String FRAME_LATENCY = "duplex_gateway_frame_latency_seconds";

	static final String GC_PAUSE = "jvm_gc_pause_seconds";

	/** Time under full load before the window opens: the JIT compiles, the first turns end. */
	private static final Duration SETTLE = Duration.ofSeconds(5);

	private final BenchOptions options;

	private final PrintStream out;

	private final @Nullable BenchServer server;

	private final ControlPlane control;

	private final ControlPlane.Setup setup;

	private final LoopResources loops;

	private Bench(BenchOptions options, PrintStream out, @Nullable BenchServer server, ControlPlane control,
			ControlPlane.Setup setup, LoopResources loops) {
		this.options = options;
		this.out = out;
		this.server = server;
		this.control = control;
		this.setup = setup;
		this.loops = loops;
	}

	static int run(BenchOptions options, PrintStream out) {
		out.println("Duplex realtime benchmark: " + machine());
		warnIfBusy(out);
		BenchServer server = (options.url() == null) ? BenchServer.start(options.serverJar(), out) : null;
		// two event loops carry every socket of the client, whatever the session count
		LoopResources loops = LoopResources.create("bench", 2, true);
		try {
			URI base = (server != null) ? server.base : options.url();
			String key = (server != null) ? server.adminKey : options.key();
			URI metrics = (server != null) ? server.management
					: (options.metricsUrl() != null) ? options.metricsUrl() : options.url();
			ControlPlane control = new ControlPlane(base, metrics, key);
			int largest = Collections.max(options.sessions());
			ControlPlane.Setup setup = control.prepare(largest, options.rolloverAfter(), out);
			Bench bench = new Bench(options, out, server, control, setup, loops);
			bench.warmUp(options.sessions().getFirst());
			List<BenchResult> results = new ArrayList<>();
			for (int sessions : options.sessions()) {
				results.add(bench.measure(sessions));
			}
			BenchReport.print(out, results, options, machine());
			return results.stream().allMatch((r) -> r.failed() == 0 && r.closedEarly() == 0) ? 0 : 1;
		}
		finally {
			loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
			if (server != null) {
				out.println("Stopping the server (its log stays at " + server.log + ")");
				server.close();
			}
		}
	}

	/**
	 * Runs the first count unmeasured for {@code --warmup} seconds: a fresh server spends its first
	 * minute compiling its hot paths, which would otherwise land in the first row.
	 */
	private void warmUp(int sessions) {
		if (this.options.warmup().isZero()) {
			return;
		}
		this.out.println();
		this.out.println("== warm-up: " + sessions + " sessions for " + this.options.warmup().toSeconds()
				+ " s, not measured ==");
		Duration ramp = Duration.ofMillis(Math.clamp(sessions * 10L, 2_000, 10_000));
		URI uri = TalkOptions.realtimeUri(this.control.base(), "agent=" + this.setup.agent());
		LoadRun load = new LoadRun(uri, this.setup.key(), sessions, ramp,
				ramp.plus(this.options.warmup()).plusSeconds(60), this.loops, this.options.rolloverAfter() != null,
				this.options.frameMs());
		load.start();
		BenchServer.sleep(ramp.plus(this.options.warmup()).toMillis());
		load.stop();
		try {
			load.awaitClosed(Duration.ofSeconds(30));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("Interrupted.");
		}
		awaitNoLiveSessions();
	}

	private BenchResult measure(int sessions) {
		this.out.println();
		this.out.println("== " + sessions + " sessions ==");
		boolean gc = this.server != null && this.server.hasJcmd();
		double heapBefore = heap(gc);
		Duration ramp = Duration.ofMillis(Math.clamp(sessions * 10L, 2_000, 10_000));
		Duration connectGrace = Duration.ofSeconds(20);
		Duration limit = ramp.plus(connectGrace).plus(SETTLE).plus(this.options.seconds()).plusSeconds(60);
		URI uri = TalkOptions.realtimeUri(this.control.base(), "agent=" + this.setup.agent());
		LoadRun load = new LoadRun(uri, this.setup.key(), sessions, ramp, limit, this.loops,
				this.options.rolloverAfter() != null, this.options.frameMs());
		long rampStart = System.nanoTime();
		load.start();
		long until = rampStart + ramp.plus(connectGrace).toNanos();
		while (load.settled() < sessions && System.nanoTime() < until) {
			BenchServer.sleep(100);
		}
		this.out.println(String.format(Locale.ROOT, "  ramp      %d of %d connected in %.1f s (ramp %.0f s)",
				load.streaming(), sessions, (System.nanoTime() - rampStart) / 1e9, ramp.toMillis() / 1000.0));
		BenchServer.sleep(SETTLE.toMillis());

		Prometheus before = this.control.scrape();
		long[] cpuBefore = cpu();
		load.measuring(true);
		String recording = startRecording(sessions);
		List<Double> usage = new ArrayList<>();
		long windowEnd = System.nanoTime() + this.options.seconds().toNanos();
		this.out.println("  measure   " + this.options.seconds().toSeconds() + " s with " + load.streaming()
				+ " sessions streaming");
		while (System.nanoTime() < windowEnd) {
			BenchServer.sleep(Math.min(1000, Math.max(1, (windowEnd - System.nanoTime()) / 1_000_000)));
			usage.add(this.control.scrape().sum("process_cpu_usage"));
		}
		Prometheus after = this.control.scrape();
		long[] cpuAfter = cpu();
		load.measuring(false);
		stopRecording(recording);
		double heapFull = heap(gc);

		load.stop();
		try {
			if (!load.awaitClosed(Duration.ofSeconds(30))) {
				this.out.println("  note      some sessions did not close within 30 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("Interrupted.");
		}
		awaitNoLiveSessions();
		BenchResult result = result(sessions, load, before, after, cpuBefore, cpuAfter, usage, heapBefore, heapFull, gc);
		this.out.println("  result    " + BenchReport.oneLine(result));
		return result;
	}

	private BenchResult result(int sessions, LoadRun load, Prometheus before, Prometheus after, long[] cpuBefore,
			long[] cpuAfter, List<Double> usage, double heapBefore, double heapFull, boolean gc) {
		TreeMap<Double, Double> bucketsBefore = before.buckets(FRAME_LATENCY);
		TreeMap<Double, Double> bucketsAfter = after.buckets(FRAME_LATENCY);
		double frames = after.sum(FRAME_LATENCY + "_count") - before.sum(FRAME_LATENCY + "_count");
		OptionalDouble p50 = Prometheus.quantile(0.5, bucketsBefore, bucketsAfter);
		OptionalDouble p99 = Prometheus.quantile(0.99, bucketsBefore, bucketsAfter);
		double window = (after.nanos() - before.nanos()) / 1e9;
		long[] lateness = load.sessions().stream().flatMapToLong((s) -> LongStream.of(s.lateness())).toArray();
		long[] switches = load.sessions().stream().flatMapToLong((s) -> LongStream.of(s.switches())).toArray();
		int connected = (int) load.sessions().stream().filter((s) -> s.readyNanos != 0).count();
		int failed = (int) load.sessions().stream().filter((s) -> s.failure != null || s.readyNanos == 0).count();
		int early = (int) load.sessions().stream().filter((s) -> s.closedEarly).count();
		long errors = load.sessions().stream().mapToLong((s) -> s.errors).sum();
		String problem = load.sessions().stream()
			.map((s) -> (s.failure != null) ? s.failure : s.firstError)
			.filter((p) -> p != null)
			.findFirst()
			.orElse(null);
		return new BenchResult(sessions, connected, failed, early, errors, problem, window, load.framesMeasured(),
				(long) frames,
				p50.orElse(Double.NaN) * 1000, p99.orElse(Double.NaN) * 1000, Prometheus.firstBound(bucketsAfter) * 1000,
				(after.sum(FRAME_LATENCY + "_sum") - before.sum(FRAME_LATENCY + "_sum")) / frames * 1000,
				after.sum(FRAME_LATENCY + "_max") * 1000, BenchResult.percentileMs(lateness, 0.5),
				BenchResult.percentileMs(lateness, 0.99), lateness.length,
				usage.stream().mapToDouble(Double::doubleValue).filter((u) -> !Double.isNaN(u)).average().orElse(Double.NaN),
				share(cpuBefore[0], cpuAfter[0], window), share(cpuBefore[1], cpuAfter[1], window),
				share(cpuBefore[2], cpuAfter[2], window), share(cpuBefore[3], cpuAfter[3], window),
				(long) (after.sum(GC_PAUSE + "_count") - before.sum(GC_PAUSE + "_count")),
				(after.sum(GC_PAUSE + "_sum") - before.sum(GC_PAUSE + "_sum")) * 1000,
				(heapFull - heapBefore) / sessions, gc, load.sessions().stream().mapToLong((s) -> s.speechStarts).sum(),
				load.sessions().stream().mapToLong((s) -> s.responsesDone).sum(), switches.length,
				BenchResult.percentileMs(switches, 0.5), BenchResult.percentileMs(switches, 0.99),
				BenchResult.percentileMs(switches, 1.0), load.sessions().stream().mapToLong((s) -> s.rolloversFailed).sum());
	}

	/** CPU time so far (ns) of the server JVM, its PostgreSQL, this client and the whole machine; -1 unknown. */
	private long[] cpu() {
		long self = ProcessHandle.current().pid();
		if (this.server == null) {
			return new long[] { -1, -1, CpuClock.processNanos(List.of(self)), CpuClock.machineBusyNanos() };
		}
		return new long[] { CpuClock.processNanos(List.of(this.server.pid())),
				CpuClock.processNanos(this.server.postgresPids()), CpuClock.processNanos(List.of(self)),
				CpuClock.machineBusyNanos() };
	}

	/** CPU time between two readings as a fraction of all cores over the window. */
	private static double share(long before, long after, double seconds) {
		if (before < 0 || after < 0) {
			return Double.NaN;
		}
		return (after - before) / 1e9 / seconds / CpuClock.cores();
	}

	/** Used heap now, all heap pools together; after a full GC when {@code gc}, so it is the live heap. */
	private double heap(boolean gc) {
		if (gc && this.server != null && this.server.jcmd("GC.run") != null) {
			BenchServer.sleep(500);
		}
		return this.control.scrape().sum("jvm_memory_used_bytes", (labels) -> "heap".equals(labels.get("area")));
	}

	private @Nullable String startRecording(int sessions) {
		Path directory = this.options.jfr();
		if (directory == null || this.server == null) {
			return null;
		}
		try {
			Files.createDirectories(directory);
		}
		catch (java.io.IOException ex) {
			throw new CliException("Could not create " + directory + ": " + ex.getMessage(), ex);
		}
		String name = "bench-" + sessions;
		Path file = directory.toAbsolutePath().resolve(name + ".jfr");
		if (this.server.jcmd("JFR.start", "name=" + name, "settings=profile", "filename=" + file) == null) {
			this.out.println("  note      JFR.start failed; no recording");
			return null;
		}
		this.out.println("  recording " + file);
		return name;
	}

	private void stopRecording(@Nullable String name) {
		if (name != null && this.server != null) {
			this.server.jcmd("JFR.stop", "name=" + name);
		}
	}

	/** Waits until the server counts no live session, so the next count starts from a clean slate. */
	private void awaitNoLiveSessions() {
		long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		double live = Double.NaN;
		while (System.nanoTime() < until) {
			live = this.control.scrape().sum("duplex_sessions_live");
			if (Double.isNaN(live) || live == 0) {
				return;
			}
			BenchServer.sleep(250);
		}
		this.out.println("  note      the server still counts " + (long) live + " live sessions");
	}

	/** The benchmark shares the cores with whatever else runs: say so when that is much. */
	private static void warnIfBusy(PrintStream out) {
		long before = CpuClock.machineBusyNanos();
		BenchServer.sleep(2000);
		long after = CpuClock.machineBusyNanos();
		double busy = (before < 0 || after < 0) ? 0 : (after - before) / 2e9 / CpuClock.cores();
		if (busy > 0.2) {
			out.println(String.format(Locale.ROOT, "Warning: other processes keep %.0f%% of the machine's CPU busy; the "
					+ "figures will be disturbed (see the 'other' CPU column).", busy * 100));
		}
	}

	/** "2 cores, 23.4 GiB, JDK 25.0.3 (Temurin), Linux 6.8". */
	static String machine() {
		long memory = (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
				? os.getTotalMemorySize() : -1;
		return String.format(Locale.ROOT, "%d cores, %s, JDK %s (%s), %s %s", CpuClock.cores(),
				(memory > 0) ? String.format(Locale.ROOT, "%.1f GiB", memory / 1024.0 / 1024 / 1024) : "? GiB",
				System.getProperty("java.runtime.version"), System.getProperty("java.vendor"), System.getProperty("os.name"),
				System.getProperty("os.version"));
	}

}

package io.duplex.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The benchmark's results as an aligned table and as Markdown, ready to paste into docs. */
final class BenchReport {

	private static final List<String> HEADERS = List.of("sessions", "frames/s sent / timed", "gateway mean", "gateway p50",
			"gateway p99", "gateway max (2 min)", "out-audio late p50/p99", "process_cpu_usage",
			"CPU: JVM / PG / client / other",
			"GC pauses (total)", "heap/session", "turns", "failed", "closed early", "errors");

	/** Above this share of the machine used by other processes, a row is not a fair measurement. */
	static final double DISTURBED = 0.1;

	private BenchReport() {
	}

	static void print(PrintStream out, List<BenchResult> results, BenchOptions options, String machine) {
		List<List<String>> rows = results.stream().map(BenchReport::cells).toList();
		out.println();
		out.println("Results (" + options.seconds().toSeconds() + " s measured per row; CPU in % of all "
				+ CpuClock.cores() + " cores)");
		table(out, rows);
		out.println();
		for (BenchResult result : results) {
			if (result.problem() != null) {
				out.println("  " + result.sessions() + " sessions, first problem: " + result.problem());
			}
			if (result.otherCpu() > DISTURBED) {
				out.println(String.format(Locale.ROOT, "  %d sessions: other processes used %.0f%% of the CPU during the "
						+ "window; rerun on a quiet machine", result.sessions(), result.otherCpu() * 100));
			}
		}
		for (BenchResult result : results) {
			if (result.rollovers() > 0 || result.rolloversFailed() > 0) {
				out.println(String.format(Locale.ROOT, "  %d sessions: %d rollovers measured, switch (held input) p50 %s, "
						+ "p99 %s, max %s; %d failed", result.sessions(), result.rollovers(), ms(result.switchP50()),
						ms(result.switchP99()), ms(result.switchMax()), result.rolloversFailed()));
			}
		}
		BenchResult largest = results.getLast();
		out.println(String.format(Locale.ROOT, "Target (%d sessions, gateway p99 under %.0f ms, every frame read as it "
				+ "is sent): %s", largest.sessions(), BenchResult.TARGET_P99_MS, largest.meetsTarget() ? "met"
						: largest.keptUp() ? "NOT met"
								: String.format(Locale.ROOT, "NOT met (the server read %.0f of %.0f frames a second: it "
										+ "fell behind)", largest.frames() / largest.seconds(),
										largest.framesSent() / largest.seconds())));
		out.println();
		out.println("Markdown:");
		out.println();
		out.println("Machine: " + machine + ". Command: `./duplex bench --sessions "
				+ options.sessions().stream().map(String::valueOf).collect(Collectors.joining(",")) + " --seconds "
				+ options.seconds().toSeconds()
				+ ((options.frameMs() != LoadRun.FRAME_MS) ? " --frame-ms " + options.frameMs() : "")
				+ ((options.rolloverAfter() != null) ? " --rollover-after " + options.rolloverAfter() : "") + "`.");
		out.println();
		out.println("| " + String.join(" | ", HEADERS) + " |");
		out.println("|" + HEADERS.stream().map((h) -> "---:").collect(Collectors.joining("|")) + "|");
		for (List<String> row : rows) {
			out.println("| " + String.join(" | ", row) + " |");
		}
	}

	/** The result in one line, for the progress output. */
	static String oneLine(BenchResult r) {
		return String.format(Locale.ROOT, "gateway mean %s p50 %s p99 %s | out-audio late p50/p99 %s | JVM CPU %s | "
				+ "heap/session %s | failed %d, closed early %d, errors %d", ms(r.gatewayMean()),
				latency(r.gatewayP50(), r.firstBucket()), latency(r.gatewayP99(), r.firstBucket()), pair(r.lateP50(), r.lateP99()),
				percent(Double.isNaN(r.jvmCpu()) ? r.cpuUsage() : r.jvmCpu()), bytes(r.heapPerSession()), r.failed(),
				r.closedEarly(), r.errors());
	}

	private static List<String> cells(BenchResult r) {
		List<String> cells = new ArrayList<>();
		cells.add(Integer.toString(r.sessions()));
		cells.add(String.format(Locale.ROOT, "%.0f / %.0f", r.framesSent() / r.seconds(), r.frames() / r.seconds()));
		cells.add(ms(r.gatewayMean()));
		cells.add(latency(r.gatewayP50(), r.firstBucket()));
		cells.add(latency(r.gatewayP99(), r.firstBucket()));
		cells.add(ms(r.gatewayMax()));
		cells.add(pair(r.lateP50(), r.lateP99()));
		cells.add(percent(r.cpuUsage()));
		cells.add(percent(r.jvmCpu()) + " / " + percent(r.postgresCpu()) + " / " + percent(r.clientCpu()) + " / "
				+ percent(r.otherCpu()));
		cells.add(String.format(Locale.ROOT, "%d (%.0f ms)", r.gcPauses(), r.gcPauseMs()));
		cells.add(bytes(r.heapPerSession()) + (r.heapAfterGc() ? "" : " (no GC)"));
		cells.add(Long.toString(r.turns()));
		cells.add(Integer.toString(r.failed()));
		cells.add(Integer.toString(r.closedEarly()));
		cells.add(Long.toString(r.errors()));
		return cells;
	}

	private static void table(PrintStream out, List<List<String>> rows) {
		int[] widths = new int[HEADERS.size()];
		for (int c = 0; c < widths.length; c++) {
			widths[c] = HEADERS.get(c).length();
			for (List<String> row : rows) {
				widths[c] = Math.max(widths[c], row.get(c).length());
			}
		}
		out.println(line(HEADERS, widths));
		for (List<String> row : rows) {
			out.println(line(row, widths));
		}
	}

	private static String line(List<String> cells, int[] widths) {
		StringBuilder line = new StringBuilder();
		for (int c = 0; c < cells.size(); c++) {
			line.append("  ").append(" ".repeat(widths[c] - cells.get(c).length())).append(cells.get(c));
		}
		return line.toString();
	}

	/** A latency from the histogram: below its first bucket it can only say "under" that bound. */
	static String latency(double ms, double firstBucket) {
		if (Double.isNaN(ms)) {
			return "n/a";
		}
		if (!Double.isNaN(firstBucket) && ms <= firstBucket) {
			return String.format(Locale.ROOT, "< %.2f ms", firstBucket);
		}
		return String.format(Locale.ROOT, "%.2f ms", ms);
	}

	static String ms(double ms) {
		return Double.isNaN(ms) ? "n/a" : String.format(Locale.ROOT, "%.2f ms", ms);
	}

	static String pair(double first, double second) {
		if (Double.isNaN(first) && Double.isNaN(second)) {
			return "n/a";
		}
		return String.format(Locale.ROOT, "%.2f / %.2f ms", first, second);
	}

	static String percent(double fraction) {
		return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", fraction * 100);
	}

	static String bytes(double bytes) {
		if (Double.isNaN(bytes)) {
			return "n/a";
		}
		return (Math.abs(bytes) < 1024 * 1024) ? String.format(Locale.ROOT, "%.0f KiB", bytes / 1024)
				: String.format(Locale.ROOT, "%.1f MiB", bytes / 1024 / 1024);
	}

}

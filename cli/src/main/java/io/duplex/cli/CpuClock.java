package io.duplex.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time of processes and of the whole machine, from Linux's {@code /proc}: what the benchmark
 * uses to tell the server's JVM, its embedded PostgreSQL and the benchmark client apart on the
 * same cores. Elsewhere every reading is -1 and the report says n/a.
 * @see <a href="https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html">proc_pid_stat(5)</a>
 */
final class CpuClock {

	/** {@code USER_HZ}: the unit of {@code /proc} times, 100 on every Linux the JDK runs on. */
	private static final long TICKS_PER_SECOND = 100;

	private static final long NANOS_PER_TICK = 1_000_000_000L / TICKS_PER_SECOND;

	private CpuClock() {
	}

	/** User plus system CPU time of these processes, in ns; -1 when none could be read. */
	static long processNanos(List<Long> pids) {
		long ticks = 0;
		boolean any = false;
		for (long pid : pids) {
			long used = processTicks(pid);
			if (used >= 0) {
				ticks += used;
				any = true;
			}
		}
		return any ? ticks * NANOS_PER_TICK : -1;
	}

	private static long processTicks(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			// the command name may hold spaces and parentheses: fields are counted after the last ')'
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** Busy CPU time of all cores together since boot, in ns; -1 if unknown. */
	static long machineBusyNanos() {
		try {
			String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().split("\\s+");
			// user nice system idle iowait irq softirq steal: busy is all but idle and iowait
			long busy = 0;
			for (int i = 1; i < Math.min(cpu.length, 9); i++) {
				if (i != 4 && i != 5) {
					busy += Long.parseLong(cpu[i]);
				}
			}
			return busy * NANOS_PER_TICK;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	static int cores() {
		return Runtime.getRuntime().availableProcessors();
	}

}

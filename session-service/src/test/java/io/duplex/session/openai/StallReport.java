package io.duplex.session.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import io.duplex.session.openai.StallSession.Event;
import io.duplex.session.openai.StallSession.Kind;

/**
 * The figures of a {@link RolloverStallBenchmark} run, from the events each client session
 * received (with their arrival times) and from what the fake upstream received.
 * <p>
 * Audio deltas are grouped into responses by response id. Between two responses that follow each
 * other, the <em>gap</em> is the arrival of the later one's first delta less the arrival of the
 * earlier one's last. Gaps with no rollover between them are the normal spacing; a gap that a
 * rollover's {@code completed} falls in runs from the old upstream's last delta to the new
 * upstream's first, and its <em>stall</em> is that gap less the median normal gap.
 */
final class StallReport {

	private final RolloverStallBenchmark.Options options;

	private final List<StallSession> sessions;

	private final FrameLedger ledger;

	private final long measureFrom;

	private final List<Long> switchTimes = new ArrayList<>();

	/** A switch's three parts: to the upstream's handshake, the upstream's open, its readiness to completed. */
	private final List<Long> toUpstream = new ArrayList<>();

	private final List<Long> upstreamOpen = new ArrayList<>();

	private final List<Long> afterReady = new ArrayList<>();

	private final List<Long> normalGaps = new ArrayList<>();

	private final List<Long> switchGaps = new ArrayList<>();

	private final List<Long> deltaSpacing = new ArrayList<>();

	private final List<Long> normalLatency = new ArrayList<>();

	private final List<Long> switchLatency = new ArrayList<>();

	private int rollovers;

	private int failedRollovers;

	private int errors;

	private final Set<String> errorMessages = new TreeSet<>();

	StallReport(RolloverStallBenchmark.Options options, List<StallSession> sessions, FrameLedger ledger,
			long measureFrom) {
		this.options = options;
		this.sessions = sessions;
		this.ledger = ledger;
		this.measureFrom = measureFrom;
		List<FrameLedger.Opened> opened = ledger.opened();
		for (StallSession session : sessions) {
			measure(session.events(),
					opened.stream().filter((connection) -> connection.session() == session.index + 1).toList());
		}
	}

	/** A response as the client saw it: its deltas' arrivals, and the commit of the turn it answers. */
	private record Response(long first, long last, long committed) {
	}

	private void measure(List<Event> events, List<FrameLedger.Opened> opened) {
		List<Response> responses = new ArrayList<>();
		String current = null;
		long first = 0;
		long last = 0;
		long committed = 0;
		long turn = 0;
		long started = 0;
		for (Event event : events) {
			switch (event.kind()) {
				case COMMITTED -> turn = event.nanos();
				case DELTA -> {
					if (!event.detail().equals(current)) {
						if (current != null) {
							responses.add(new Response(first, last, committed));
						}
						current = event.detail();
						first = event.nanos();
						committed = turn;
					}
					else if (first >= this.measureFrom) {
						this.deltaSpacing.add(event.nanos() - last);
					}
					last = event.nanos();
				}
				case STARTED -> started = event.nanos();
				case COMPLETED -> {
					if (started >= this.measureFrom) {
						this.rollovers++;
						this.switchTimes.add(event.nanos() - started);
						long from = started;
						long to = event.nanos();
						opened.stream()
							.filter((connection) -> connection.acceptedNanos() >= from && connection.acceptedNanos() <= to
									&& connection.updatedNanos() != 0)
							.findFirst()
							.ifPresent((connection) -> {
								this.toUpstream.add(connection.acceptedNanos() - from);
								this.upstreamOpen.add(connection.updatedNanos() - connection.acceptedNanos());
								this.afterReady.add(to - connection.updatedNanos());
							});
					}
				}
				case FAILED -> this.failedRollovers += (started >= this.measureFrom) ? 1 : 0;
				case ERROR -> {
					this.errors++;
					this.errorMessages.add(event.detail());
				}
				default -> {
					// session.created and response.done only delimit what is above
				}
			}
		}
		if (current != null) {
			responses.add(new Response(first, last, committed));
		}
		for (int i = 1; i < responses.size(); i++) {
			Response before = responses.get(i - 1);
			Response after = responses.get(i);
			if (before.last < this.measureFrom) {
				continue;
			}
			List<Event> between = events.stream()
				.filter((event) -> event.nanos() > before.last && event.nanos() < after.first)
				.filter((event) -> event.kind() == Kind.STARTED || event.kind() == Kind.COMPLETED
						|| event.kind() == Kind.FAILED)
				.toList();
			long gap = after.first - before.last;
			long latency = after.first - after.committed;
			if (between.isEmpty()) {
				this.normalGaps.add(gap);
				this.normalLatency.add(latency);
			}
			else if (between.stream().filter((event) -> event.kind() == Kind.COMPLETED).count() == 1
					&& between.stream().noneMatch((event) -> event.kind() == Kind.FAILED)) {
				this.switchGaps.add(gap);
				this.switchLatency.add(latency);
			}
		}
	}

	/** Prints the figures; returns the exit status, 1 when a session failed or a frame was lost, repeated or reordered. */
	int print(RolloverStallBenchmark.Usage before, RolloverStallBenchmark.Usage after, boolean timedOut) {
		long normalGap = median(this.normalGaps);
		long normalTurn = median(this.normalLatency);
		// without a normal gap to compare with (too short a run) there is no stall to give
		long[] stalls = this.normalGaps.isEmpty() ? new long[0]
				: this.switchGaps.stream().mapToLong((gap) -> gap - normalGap).sorted().toArray();
		long[] turnStalls = this.normalLatency.isEmpty() ? new long[0]
				: this.switchLatency.stream().mapToLong((latency) -> latency - normalTurn).sorted().toArray();
		System.out.printf(Locale.ROOT, "rollovers completed after the warm-up: %d (failed: %d)%s%n", this.rollovers,
				this.failedRollovers, timedOut ? " -- stopped at the time limit" : "");
		System.out.printf(Locale.ROOT, "%-44s %8s %8s %8s %8s %8s  (n)%n", "", "min", "p50", "p90", "p99", "max");
		row("switch time (started to completed)", sorted(this.switchTimes));
		row("  started to the upstream's handshake", sorted(this.toUpstream));
		row("  upstream: handshake to session.updated", sorted(this.upstreamOpen));
		row("  session.updated to completed", sorted(this.afterReady));
		row("stall: delta gap across a switch - normal", stalls);
		row("  gap across a switch", sorted(this.switchGaps));
		row("  normal gap between answers", sorted(this.normalGaps));
		// the same measure without a switch: how much the machine alone moves a gap
		row("  normal gap - its median (jitter)",
				this.normalGaps.stream().mapToLong((gap) -> gap - normalGap).sorted().toArray());
		row("turn latency after a switch - normal", turnStalls);
		row("  normal turn latency (commit to 1st delta)", sorted(this.normalLatency));
		row("delta spacing within an answer", sorted(this.deltaSpacing));

		long sent = 0;
		long received = 0;
		long lost = 0;
		long duplicated = 0;
		long reordered = 0;
		long unknown = 0;
		int failed = 0;
		int closedEarly = 0;
		for (StallSession session : this.sessions) {
			FrameLedger.Frames frames = this.ledger.of(session.index + 1);
			sent += session.framesSent;
			received += frames.received();
			lost += frames.lost(session.framesSent);
			duplicated += frames.duplicates();
			reordered += frames.outOfOrder();
			unknown += frames.unknown(session.framesSent);
			failed += (session.readyNanos == 0 || session.failure != null) ? 1 : 0;
			closedEarly += session.closed ? 1 : 0;
		}
		System.out.printf(Locale.ROOT,
				"frames: sent %d, received upstream %d, lost %d, duplicated %d, out of order %d, unknown %d, "
						+ "unreadable %d, connections with another session's frames %d%n",
				sent, received, lost, duplicated, reordered, unknown, this.ledger.unreadable(),
				this.ledger.mixedConnections());
		System.out.printf(Locale.ROOT, "sessions: %d, failed %d, closed early %d, error events %d%s%n",
				this.sessions.size(), failed, closedEarly, this.errors,
				this.errorMessages.isEmpty() ? "" : " " + this.errorMessages.stream().limit(3).toList());
		double wall = after.nanos() - before.nanos();
		int cores = Runtime.getRuntime().availableProcessors();
		long machineTicks = after.machineTotalTicks() - before.machineTotalTicks();
		double machine = (machineTicks == 0) ? 0
				: 100.0 * (after.machineBusyTicks() - before.machineBusyTicks()) / machineTicks;
		double jvm = 100.0 * (after.jvmCpuNanos() - before.jvmCpuNanos()) / wall / cores;
		double postgres = 100.0 * (after.postgresTicks() - before.postgresTicks())
				/ RolloverStallBenchmark.Usage.TICKS_PER_SECOND / (wall / 1e9) / cores;
		double other = Math.max(0, machine - jvm - postgres);
		System.out.printf(Locale.ROOT,
				"CPU over the measured window (%.0f s, share of %d cores): this JVM (server, fake upstream, clients) "
						+ "%.0f%%, PostgreSQL %.0f%%, other processes %.0f%%%s; load average %s at its start, %s at its end%n",
				wall / 1e9, cores, jvm, postgres, other, (other > 10) ? " (disturbed: others were busy)" : "",
				before.loadAverage(), after.loadAverage());
		boolean clean = failed == 0 && closedEarly == 0 && this.errors == 0 && lost == 0 && duplicated == 0
				&& reordered == 0 && unknown == 0 && this.ledger.unreadable() == 0 && this.ledger.mixedConnections() == 0
				&& this.failedRollovers == 0;
		return clean ? 0 : 1;
	}

	private static void row(String name, long[] nanos) {
		if (nanos.length == 0) {
			System.out.printf(Locale.ROOT, "%-44s %8s%n", name, "none");
			return;
		}
		System.out.printf(Locale.ROOT, "%-44s %8.2f %8.2f %8.2f %8.2f %8.2f  (%d) ms%n", name, nanos[0] / 1e6,
				rank(nanos, 0.50) / 1e6, rank(nanos, 0.90) / 1e6, rank(nanos, 0.99) / 1e6, nanos[nanos.length - 1] / 1e6,
				nanos.length);
	}

	private static long[] sorted(List<Long> values) {
		return values.stream().mapToLong(Long::longValue).sorted().toArray();
	}

	private static long median(List<Long> values) {
		long[] sorted = sorted(values);
		return (sorted.length == 0) ? 0 : rank(sorted, 0.5);
	}

	/** The nearest-rank percentile of sorted values. */
	private static long rank(long[] sorted, double quantile) {
		int index = (int) Math.ceil(quantile * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

}

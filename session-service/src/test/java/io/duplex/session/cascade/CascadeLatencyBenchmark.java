package io.duplex.session.cascade;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.testing.ProviderSessions;

/**
 * Time to first audio through the cascade, against a fake OpenAI-compatible server whose stages
 * take fixed times: from the moment a turn is committed (the engine's end of the user's speech)
 * and its response asked for, to the first audio delta the provider reports. What the platform
 * adds is that time less the fake's fixed delays (speech to text, the chat model's first token and
 * the tokens up to the end of the first sentence, text to speech's first byte). Run it as
 * docs/benchmarks.md says; {@code --turns}, {@code --sessions}, {@code --warmup} change the load.
 */
public final class CascadeLatencyBenchmark {

	private static final Duration STT = Duration.ofMillis(50);

	private static final Duration FIRST_TOKEN = Duration.ofMillis(80);

	private static final Duration TOKEN = Duration.ofMillis(20);

	private static final Duration TTS = Duration.ofMillis(40);

	/** The first sentence ends when the fourth chunk after the first arrives (the space after "today."). */
	private static final long FLOOR_NANOS = STT.plus(FIRST_TOKEN).plus(TOKEN.multipliedBy(4)).plus(TTS).toNanos();

	private CascadeLatencyBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int turns = option(args, "--turns", 200);
		int sessions = option(args, "--sessions", 1);
		int warmup = option(args, "--warmup", 100);
		try (FakeOpenAiCompatible fake = FakeOpenAiCompatible.start()) {
			CascadeProvider provider = TestCascade.provider(fake);
			fake.transcriptionDelay = Duration.ZERO;
			fake.firstTokenDelay = Duration.ZERO;
			fake.tokenInterval = Duration.ZERO;
			fake.speechDelay = Duration.ZERO;
			run(provider, 1, warmup);
			fake.transcriptionDelay = STT;
			fake.firstTokenDelay = FIRST_TOKEN;
			fake.tokenInterval = TOKEN;
			fake.speechDelay = TTS;
			fake.received.clear();
			long[] measured = run(provider, sessions, turns);
			report(sessions, measured);
			if (sessions == 1) {
				breakdown(fake, measured.length);
			}
		}
		System.exit(0);
	}

	/** {@code turns} turns in each of {@code sessions} concurrent sessions; the time to first audio of each. */
	private static long[] run(CascadeProvider provider, int sessions, int turns) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(sessions);
		List<Future<long[]>> results = new ArrayList<>();
		for (int s = 0; s < sessions; s++) {
			results.add(pool.submit(() -> session(provider, turns)));
		}
		long[] all = new long[0];
		for (Future<long[]> result : results) {
			long[] one = result.get();
			int at = all.length;
			all = Arrays.copyOf(all, at + one.length);
			System.arraycopy(one, 0, all, at, one.length);
		}
		pool.shutdown();
		return all;
	}

	private static long[] session(CascadeProvider provider, int turns) throws Exception {
		Probe probe = new Probe();
		ProviderSession session = provider.open(TestCascade.settings(false), probe).block(Duration.ofSeconds(5));
		short[] speech = ProviderSessions.speech(1_000);
		long[] times = new long[turns];
		List<ContextItem> context = new ArrayList<>();
		for (int turn = 0; turn < turns; turn++) {
			String itemId = "item_" + turn;
			String responseId = "resp_" + turn;
			ProviderSessions.append(session, speech);
			probe.expect(responseId);
			long start = System.nanoTime();
			session.commitInput(itemId, 0, 1_000);
			// the engine answers a turn right after committing it, with the conversation so far
			context.add(ContextItem.message(itemId, "user", "", 1_000));
			session.createResponse(TestCascade.audio(responseId, List.copyOf(context)));
			times[turn] = probe.firstAudio.get(10, TimeUnit.SECONDS) - start;
			probe.done.get(10, TimeUnit.SECONDS);
			context.clear();
		}
		session.close();
		return times;
	}

	/** Notes the first audio and the end of the response it waits for. */
	private static final class Probe implements io.duplex.session.provider.ProviderListener {

		private volatile String responseId = "";

		volatile CompletableFuture<Long> firstAudio = new CompletableFuture<>();

		volatile CompletableFuture<Void> done = new CompletableFuture<>();

		void expect(String responseId) {
			this.firstAudio = new CompletableFuture<>();
			this.done = new CompletableFuture<>();
			this.responseId = responseId;
		}

		@Override
		public void onEvent(ProviderEvent event) {
			if (event instanceof ProviderEvent.AudioDelta audio && audio.responseId().equals(this.responseId)) {
				this.firstAudio.complete(System.nanoTime());
			}
			else if (event instanceof ProviderEvent.ResponseDone finished && finished.responseId().equals(this.responseId)) {
				if (!finished.status().equals("completed")) {
					this.firstAudio.completeExceptionally(new IllegalStateException("response " + finished.status()));
				}
				this.done.complete(null);
			}
			else if (event instanceof ProviderEvent.Failed failed) {
				this.firstAudio.completeExceptionally(new IllegalStateException(failed.code() + ": " + failed.message()));
			}
		}

	}

	private static void report(int sessions, long[] measured) {
		long[] added = Arrays.stream(measured).map((nanos) -> nanos - FLOOR_NANOS).sorted().toArray();
		long[] total = measured.clone();
		Arrays.sort(total);
		System.out.printf(Locale.ROOT, "cascade time to first audio: %d sessions, %d turns%n", sessions, measured.length);
		System.out.printf(Locale.ROOT,
				"fixed delays: speech to text %d ms, first token %d ms, 4 tokens x %d ms, text to speech %d ms = %.1f ms%n",
				STT.toMillis(), FIRST_TOKEN.toMillis(), TOKEN.toMillis(), TTS.toMillis(), FLOOR_NANOS / 1e6);
		System.out.printf(Locale.ROOT, "%-20s %8s %8s %8s %8s %8s%n", "", "min", "p50", "p90", "p99", "max");
		line("time to first audio", total);
		line("added by Duplex", added);
	}

	/**
	 * Where the added time goes, turn by turn (one session only, so requests are in turn order): from
	 * the commit to the fake having the turn's WAV, from the transcript to the fake having the chat
	 * request, from the end of the first sentence to the fake having the speech request, and from the
	 * first audio byte to the provider's audio delta.
	 */
	private static void breakdown(FakeOpenAiCompatible fake, int turns) {
		List<FakeOpenAiCompatible.Received> stt = fake.received(Transcription.PATH);
		List<FakeOpenAiCompatible.Received> chat = fake.received("/chat/completions");
		List<FakeOpenAiCompatible.Received> tts = fake.received(Speech.PATH);
		long[][] gaps = new long[2][turns];
		for (int turn = 0; turn < turns; turn++) {
			gaps[0][turn] = chat.get(turn).receivedNanos() - stt.get(turn).receivedNanos() - STT.toNanos();
			gaps[1][turn] = tts.get(2 * turn).receivedNanos() - chat.get(turn).receivedNanos()
					- FIRST_TOKEN.plus(TOKEN.multipliedBy(4)).toNanos();
		}
		String[] labels = { "transcript to chat", "sentence to speech" };
		for (int i = 0; i < labels.length; i++) {
			long[] sorted = gaps[i].clone();
			Arrays.sort(sorted);
			line(labels[i], Arrays.copyOf(sorted, turns));
		}
	}

	private static void line(String label, long[] sorted) {
		System.out.printf(Locale.ROOT, "%-20s %8.2f %8.2f %8.2f %8.2f %8.2f  ms%n", label, sorted[0] / 1e6,
				percentile(sorted, 50) / 1e6, percentile(sorted, 90) / 1e6, percentile(sorted, 99) / 1e6,
				sorted[sorted.length - 1] / 1e6);
	}

	/** Nearest rank. */
	private static long percentile(long[] sorted, int p) {
		int rank = (int) Math.ceil(p / 100.0 * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

	private static int option(String[] args, String name, int fallback) {
		for (int i = 0; i < args.length - 1; i++) {
			if (args[i].equals(name)) {
				return Integer.parseInt(args[i + 1]);
			}
		}
		return fallback;
	}

}

package io.duplex.session.gateway;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import io.duplex.session.SessionTestSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile clients on a real server, each against one limit of docs/limits.md: each gets the
 * documented {@code error} (or close), the node's heap grows by less than 64 MiB for it, and
 * well-behaved sessions of other tenants, streaming at the same time, keep their audio schedule.
 * <p>
 * How it is measured. Heap: used heap after {@link System#gc()} (a full collection with G1, so
 * what is left is what something still holds) before the hostile session opens, and again while
 * it is still open after its attack, at its worst moment; the test's own large frames are built
 * before the first measure, so they count on both sides. Schedule: the sandbox sends 100 ms of
 * audio every 100 ms; the client notes when each delta arrives, and a delta's delay is its
 * arrival less where its audio starts on the response's audio clock, less the smallest such
 * difference of the response (the best the network did). The p99 of those delays (three
 * victims' together), with the hostile client at work, must stay within 20 ms of the p99 of a
 * run just before without it. Each attack runs once before anything is measured, so that the
 * server's refusals are compiled code by then. The suite runs in a JVM of its own (surefire
 * execution {@code hostile-clients}), as a node does.
 * <p>
 * The limits are the defaults but for the slow-client ones, set low so that a client that stops
 * reading is found out in seconds. A flood meets the event and byte rates, which end the session.
 */
@Tag("hostile")
@TestPropertySource(properties = { "duplex.sessions.outbound-buffer-size=128KB", "duplex.sessions.outbound-grace=4s" })
class HostileClientTests extends SessionTestSupport {

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HostileClientTests.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final long MAX_HEAP_GROWTH = 64L * 1024 * 1024;

	private static final double MAX_ADDED_P99_MS = 20;

	/** What the well-behaved client says: echoed as about four seconds of audio, forty deltas. */
	private static final String GOOD_TEXT = "the quick brown fox jumps over the lazy dog, twice a day.";

	/** Well-behaved sessions, each of a tenant of its own, that play at once. */
	private static final int VICTIMS = 3;

	private static final ExecutorService attacker = Executors.newSingleThreadExecutor();

	private static final ExecutorService victims = Executors.newFixedThreadPool(VICTIMS);

	@AfterAll
	static void stopClients() {
		attacker.shutdownNow();
		victims.shutdownNow();
	}

	@Test
	void fortyTextItemsOfEightMebibytesThenEachIsRefusedUntilTheByteRateEndsTheSession() throws Exception {
		byte[] huge = RawRealtimeClient.frame(itemCreate(null, "x".repeat(8 * 1024 * 1024)));
		hostile((client, running) -> {
			flood(client, huge, 40, 40, running);
			JsonNode error = firstError(client, "string_above_max_length", "item.content[0].text");
			assertThat(error.path("error").path("message").asString()).contains("duplex.sessions.max-item-text");
			// 8 MiB a frame is far over a megabyte a second: the burst allows two, then the session ends
			assertRateLimited(client, "duplex.sessions.inbound-bytes-per-second");
			assertThat(client.count("conversation.item.done")).isZero();
		});
	}

	@Test
	void tenThousandSmallItemsThenTheEventRateEndsTheSession() throws Exception {
		hostile((client, running) -> {
			flood(client, RawRealtimeClient.frame(itemCreate(null, "note")), 10_000, 10_000, running);
			assertRateLimited(client, "events per second");
			// what was taken before is bounded by the burst, far below the conversation's limits
			assertThat(client.count("conversation.item.done")).isBetween(1, 1000);
		});
	}

	@Test
	void twoThousandToolsInASessionUpdateThenRefusedNamingTheLimit() throws Exception {
		StringBuilder tools = new StringBuilder();
		for (int i = 0; i < 2000; i++) {
			tools.append((i > 0) ? "," : "")
				.append("{\"type\":\"function\",\"name\":\"tool_").append(i)
				.append("\",\"description\":\"Looks something up.\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}");
		}
		byte[] update = RawRealtimeClient
			.frame("{\"type\":\"session.update\",\"session\":{\"type\":\"realtime\",\"tools\":[" + tools + "]}}");
		hostile((client, running) -> {
			flood(client, update, 1, 200, running);
			JsonNode error = firstError(client, "array_above_max_length", "session.tools");
			assertThat(error.path("error").path("message").asString()).contains("maximum length 128")
				.contains("duplex.sessions.max-tools");
			assertThat(client.count("session.updated")).isZero();
			assertStillOpenOrRateLimited(client);
		});
	}

	@Test
	void aClientThatNeverReadsWhileAudioStreamsThenItIsClosedWith1008AndToldWhy() throws Exception {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		AtomicLong heapWhileStalled = new AtomicLong();
		measured(tenant, () -> {
			try (RawRealtimeClient client = new RawRealtimeClient(this.port, "/v1/realtime?agent=" + agent,
					tenant.adminKey(), 4096)) {
				String created = client.readUntil("session.created");
				String sessionId = json.readTree(created).path("session").path("id").asString();
				// about thirteen seconds of audio that the client will not read
				client.send(itemCreate(null, "a long answer that goes on and on ".repeat(6)));
				client.send("{\"type\":\"response.create\"}");
				// while the victim plays; then items the server echoes (added, done): more than the
				// kernel's buffers take (a few megabytes on loopback) long before the audio alone would
				this.victimDone.await(60, TimeUnit.SECONDS);
				byte[] item = RawRealtimeClient.frame(itemCreate(null, "y".repeat(100_000)));
				for (int i = 0; i < 40; i++) {
					client.sendFrame(item);
				}
				Map<String, Object> session = awaitEnded(tenant, sessionId, Duration.ofSeconds(60));
				assertThat(session.get("end_reason")).isEqualTo("client_too_slow");
				// the server still holds the socket and what was queued for it: its worst moment
				heapWhileStalled.set(usedHeapAfterGc());
				RawRealtimeClient.Drained drained = client.drain();
				JsonNode last = json.readTree(drained.events().get(drained.events().size() - 1));
				assertThat(last.path("type").asString())
					.as("the last of %d events read after the end (close code %d)", drained.events().size(),
							drained.closeCode())
					.isEqualTo("error");
				assertThat(last.path("error").path("code").asString()).isEqualTo("client_too_slow");
				assertThat(last.path("error").path("message").asString()).contains("duplex.sessions.outbound-buffer-size");
				assertThat(drained.closeCode()).isEqualTo(1008);
			}
			return heapWhileStalled.get();
		});
	}

	@Test
	void framesOverSixteenMebibytesThenClosedWith1009BeforeTheyAreRead() throws Exception {
		byte[] oversized = RawRealtimeClient.frame(itemCreate(null, "x".repeat(17 * 1024 * 1024)));
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		measured(tenant, () -> {
			for (int i = 0; i < 3 || (this.victimRunning.get() && i < 20); i++) {
				try (RawRealtimeClient client = new RawRealtimeClient(this.port, "/v1/realtime?agent=" + agent,
						tenant.adminKey(), 256 * 1024)) {
					client.readUntil("session.created");
					client.startReading();
					// the server reads the frame's header and closes: the rest is never read
					client.trySendFrame(oversized);
					assertThat(client.awaitClose(Duration.ofSeconds(20))).isEqualTo(1009);
				}
				// each attempt is a new session (a handshake, its records): one every half second
				// while the victims play, not a handshake flood, which admission and quotas bound
				Thread.sleep(500);
			}
			this.victimDone.await(60, TimeUnit.SECONDS);
			return usedHeapAfterGc();
		});
	}

	@Test
	void ninetySecondsOfAudioInOneAppendThenRefusedAndTheSessionCarriesOn() throws Exception {
		byte[] audio = new byte[90 * 24_000 * 2];
		byte[] append = RawRealtimeClient.frame("{\"type\":\"input_audio_buffer.append\",\"event_id\":\"evt_long\",\"audio\":\""
				+ Base64.getEncoder().encodeToString(audio) + "\"}");
		hostile((client, running) -> {
			client.sendFrame(append);
			JsonNode error = firstError(client, "input_audio_buffer_append_too_long", "audio");
			assertThat(error.path("error").path("event_id").asString()).isEqualTo("evt_long");
			assertThat(error.path("error").path("message").asString()).contains("duplex.sessions.audio-ahead");
			// the session is not over: a normal append still works
			client.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\""
					+ Base64.getEncoder().encodeToString(new byte[9600]) + "\"}");
			client.send("{\"type\":\"input_audio_buffer.clear\"}");
			client.awaitCount("input_audio_buffer.cleared", 1, Duration.ofSeconds(10));
			// and more of them, while the victim plays, meet the byte rate
			flood(client, append, 1, 40, running);
			assertStillOpenOrRateLimited(client);
		});
	}

	@Test
	void itemIdsOfFiveThousandCharactersThenRefusedNamingTheLimit() throws Exception {
		byte[] create = RawRealtimeClient.frame(itemCreate("item_" + "x".repeat(4995), "hello"));
		hostile((client, running) -> {
			flood(client, create, 10, 2000, running);
			JsonNode error = firstError(client, "string_above_max_length", "item.id");
			assertThat(error.path("error").path("message").asString()).contains("maximum length 32")
				.contains("length 5000");
			assertThat(client.count("conversation.item.done")).isZero();
			assertStillOpenOrRateLimited(client);
		});
	}

	/**
	 * Sends {@code frame} at least {@code min} times, and on while the victim plays, up to
	 * {@code max} times, as fast as the socket takes it, until the server says the session is
	 * over for its rate (a client that went on sending after its close would have its connection
	 * reset, and might not read the close).
	 * @return how many were sent
	 */
	private static int flood(RawRealtimeClient client, byte[] frame, int min, int max, AtomicBoolean running) {
		int sent = 0;
		while ((sent < min || running.get()) && sent < max && !client.hasError("rate_limit_exceeded")
				&& client.trySendFrame(frame)) {
			sent++;
		}
		return sent;
	}

	/** The first error event; it must be of {@code code} about {@code param}. */
	private static JsonNode firstError(RawRealtimeClient client, String code, String param) {
		JsonNode error = client.awaitErrors(code, 1, Duration.ofSeconds(30));
		JsonNode first = client.errors().get(0);
		assertThat(first.path("error").path("code").asString()).isEqualTo(code);
		assertThat(first.path("error").path("param").asString()).isEqualTo(param);
		assertThat(first.path("error").path("type").asString()).isEqualTo("invalid_request_error");
		return error;
	}

	/** The session ended for its rate: {@code rate_limit_exceeded} naming {@code limit}, then close 1008. */
	private static void assertRateLimited(RawRealtimeClient client, String limit) {
		JsonNode error = client.awaitErrors("rate_limit_exceeded", 1, Duration.ofSeconds(30));
		assertThat(error.path("error").path("message").asString()).contains(limit);
		assertThat(client.awaitClose(Duration.ofSeconds(10))).isEqualTo(1008);
	}

	/** Either the session carries on, or a flood met the byte or event rate. */
	private static void assertStillOpenOrRateLimited(RawRealtimeClient client) throws java.io.IOException {
		if (client.isClosed() || client.errors().stream()
			.anyMatch((error) -> "rate_limit_exceeded".equals(error.path("error").path("code").asString()))) {
			assertRateLimited(client, "per second");
		}
		else {
			client.send("{\"type\":\"input_audio_buffer.clear\"}");
			client.awaitCount("input_audio_buffer.cleared", 1, Duration.ofSeconds(10));
		}
	}

	/** What a hostile client does with its socket, at least once and again while the victim's answer plays. */
	@FunctionalInterface
	private interface Attack {

		void run(RawRealtimeClient client, AtomicBoolean victimRunning) throws Exception;

	}

	/** An attack from one socket of a tenant of its own, measured; the heap is measured once more after it, socket open. */
	private void hostile(Attack attack) throws Exception {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		// once before anything is measured: the server compiles its refusals' code then, not while the victim plays
		try (RawRealtimeClient client = new RawRealtimeClient(this.port, "/v1/realtime?agent=" + agent,
				tenant.adminKey(), 256 * 1024)) {
			client.readUntil("session.created");
			client.startReading();
			attack.run(client, new AtomicBoolean());
		}
		measured(tenant, () -> {
			try (RawRealtimeClient client = new RawRealtimeClient(this.port, "/v1/realtime?agent=" + agent,
					tenant.adminKey(), 256 * 1024)) {
				client.readUntil("session.created");
				client.startReading();
				attack.run(client, this.victimRunning);
				// a full collection stops every thread: not while the victim's answer plays
				this.victimDone.await(60, TimeUnit.SECONDS);
				return usedHeapAfterGc();
			}
		});
	}

	private final AtomicBoolean victimRunning = new AtomicBoolean();

	/** Counted down when the victim's answer with the hostile client at work is over. */
	private volatile CountDownLatch victimDone = new CountDownLatch(0);

	/** Heap at the hostile session's worst moment, measured by the attack itself. */
	@FunctionalInterface
	private interface MeasuredAttack {

		long run() throws Exception;

	}

	/**
	 * Runs the victim's schedule alone, then measures the heap, runs {@code attack} from another
	 * thread and the victim's schedule again while it is at work, and compares.
	 */
	private void measured(TestTenant hostileTenant, MeasuredAttack attack) throws Exception {
		List<TestTenant> victims = new ArrayList<>();
		List<String> victimAgents = new ArrayList<>();
		for (int i = 0; i < VICTIMS; i++) {
			victims.add(newTenant());
			victimAgents.add(newAgent(victims.get(i).adminKey()));
		}
		double baseline = p99DelayMs(victims, victimAgents);
		long before = usedHeapAfterGc();
		CountDownLatch attacking = new CountDownLatch(1);
		this.victimDone = new CountDownLatch(1);
		this.victimRunning.set(true);
		Future<Long> worst = attacker.submit(() -> {
			attacking.countDown();
			return attack.run();
		});
		assertThat(attacking.await(10, TimeUnit.SECONDS)).isTrue();
		double during;
		try {
			during = p99DelayMs(victims, victimAgents);
		}
		finally {
			this.victimRunning.set(false);
			this.victimDone.countDown();
		}
		long after = worst.get(120, TimeUnit.SECONDS);
		log.info("Hostile client: heap grew {} KiB; victims' p99 delay {} ms alone, {} ms beside it",
				(after - before) / 1024, String.format(java.util.Locale.ROOT, "%.1f", baseline),
				String.format(java.util.Locale.ROOT, "%.1f", during));
		assertThat(after - before).as("heap growth, bytes (before %d, after %d)", before, after)
			.isLessThan(MAX_HEAP_GROWTH);
		assertThat(during).as("victim's p99 delay in ms with the hostile client (alone: %.1f ms)", baseline)
			.isLessThanOrEqualTo(baseline + MAX_ADDED_P99_MS);
	}

	/**
	 * One spoken answer to each well-behaved client, all at once: the p99 of their audio deltas'
	 * delays together, in ms (three sessions give three times the deltas, so that the p99 is not
	 * just the largest).
	 */
	private double p99DelayMs(List<TestTenant> tenants, List<String> agents) throws Exception {
		List<Future<List<Double>>> answers = new ArrayList<>();
		for (int i = 0; i < tenants.size(); i++) {
			TestTenant tenant = tenants.get(i);
			String agent = agents.get(i);
			answers.add(victims.submit(() -> delaysMs(tenant, agent)));
		}
		List<Double> delays = new ArrayList<>();
		for (Future<List<Double>> answer : answers) {
			delays.addAll(answer.get(60, TimeUnit.SECONDS));
		}
		double[] sorted = delays.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		return sorted[(int) Math.ceil(0.99 * sorted.length) - 1];
	}

	/** The delays of one answer's audio deltas, in ms. */
	private List<Double> delaysMs(TestTenant tenant, String agent) {
		try (LeanRealtimeClient client = new LeanRealtimeClient(socket(agent), tenant.adminKey())) {
			client.awaitCount("session.created", 1, Duration.ofSeconds(10));
			client.send(itemCreate(null, GOOD_TEXT));
			client.send("{\"type\":\"response.create\"}");
			client.awaitCount("response.done", 1, Duration.ofSeconds(30));
			assertThat(client.errors()).isEmpty();
			List<LeanRealtimeClient.Frame> frames = client.frames();
			assertThat(frames).hasSizeGreaterThan(30);
			long first = frames.get(0).arrivedNanos();
			double audioMs = 0;
			List<Double> offsets = new ArrayList<>();
			for (LeanRealtimeClient.Frame frame : frames) {
				offsets.add((frame.arrivedNanos() - first) / 1e6 - audioMs);
				audioMs += frame.audioMs();
			}
			double best = offsets.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
			return offsets.stream().map((offset) -> offset - best).toList();
		}
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> awaitEnded(TestTenant tenant, String sessionId, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			Map<String, Object> session = get(as(tenant.adminKey()), "/v1/sessions/" + sessionId);
			if (session.get("end_reason") != null || System.nanoTime() > deadline) {
				return session;
			}
			Thread.sleep(100);
		}
	}

	/** Used heap after a full collection: what something still holds. */
	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		System.gc();
		System.gc();
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static String itemCreate(String id, String text) {
		return "{\"type\":\"conversation.item.create\",\"item\":{" + ((id != null) ? "\"id\":\"" + id + "\"," : "")
				+ "\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"" + text
				+ "\"}]}}";
	}

	private URI socket(String agent) {
		return URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?agent=" + agent);
	}

}

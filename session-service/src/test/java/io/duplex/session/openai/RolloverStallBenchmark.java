package io.duplex.session.openai;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.LoopResources;

import io.duplex.session.audio.Pcm16;
import io.duplex.session.audio.SpeechLikeAudio;
import io.duplex.session.testing.TestModels;
import io.duplex.test.TestDatabase;
import io.duplex.test.TestKeys;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client-visible stall of rollovers against a networked upstream: the session service (on
 * an embedded PostgreSQL) with the {@code openai} provider talking over WebSockets on 127.0.0.1
 * to the fake OpenAI Realtime server, which takes {@code --open-ms} to open a session and sends
 * its events at least {@code --event-ms} apart. {@code --sessions} clients stream speech-like
 * audio with pauses at real-time pace over real sockets, with an agent that rolls over after
 * {@code --rollover-after} seconds, until {@code --rollovers} rollovers have completed after the
 * {@code --warmup}. Every frame carries its session and number in its samples, and the fake
 * checks that each reached exactly one upstream, once, in order. Run it as docs/benchmarks.md
 * says; the measures are defined there.
 */
public final class RolloverStallBenchmark {

	/** Each session's audio, over and over: a pause, then a turn of speech. */
	private static final int PAUSE_MS = 2_500;

	private static final int SPEECH_MS = 1_000;

	private static final JsonMapper JSON = JsonMapper.shared();

	private RolloverStallBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		LoopResources fakeLoops = LoopResources.create("fake-upstream", 1, true);
		LoopResources clientLoops = LoopResources.create("bench-client", 1, true);
		Scheduler fakeTimer = Schedulers.newSingle("fake-upstream-timer", true);
		FrameLedger ledger = new FrameLedger(options.frameSamples());
		int status;
		try (FakeOpenAiRealtime fake = FakeOpenAiRealtime.start(fakeLoops)) {
			fake.recording = false;
			fake.timer = fakeTimer;
			fake.openDelay = Duration.ofMillis(options.openMs);
			fake.eventSpacing = Duration.ofMillis(options.eventMs);
			fake.audioDeltas = options.deltas;
			fake.audioTap = ledger;
			ConfigurableApplicationContext server = startServer(fake);
			try {
				int port = server.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
				Api api = new Api("http://127.0.0.1:" + port);
				Setup setup = setUp(api, options);
				status = new Run(options, setup, URI.create("ws://127.0.0.1:" + port + "/v1/realtime?agent=" + setup.agent),
						clientLoops, ledger).execute();
			}
			finally {
				server.close();
			}
		}
		finally {
			clientLoops.disposeLater().block(Duration.ofSeconds(5));
			fakeLoops.disposeLater().block(Duration.ofSeconds(5));
			fakeTimer.dispose();
		}
		System.exit(status);
	}

	/** The session service as the tests start it, on 127.0.0.1, with the openai provider pointed at the fake. */
	private static ConfigurableApplicationContext startServer(FakeOpenAiRealtime fake) {
		SpringApplication application = new SpringApplication();
		// the tests' application class, which is package-private in the module's root package
		application.setSources(Set.of("io.duplex.session.SessionTestApplication"));
		application.addInitializers(new TestDatabase.Initializer());
		application.setDefaultProperties(Map.of("server.port", "0", "server.address", "127.0.0.1",
				"duplex.bootstrap.admin-key", TestKeys.PLATFORM_ADMIN, "duplex.providers.openai.base-url", fake.baseUrl(),
				"duplex.providers.openai.api-key", FakeOpenAiRealtime.KEY));
		return application.run();
	}

	/** The catalog entries, tenant and agent of the run. */
	private record Setup(String tenantKey, String agent) {
	}

	/** A region, a provider-hosted pool and an {@code openai} model of their own, a tenant and its rolling agent. */
	private static Setup setUp(Api api, Options options) throws IOException, InterruptedException {
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String region = "bench-" + suffix;
		String pool = "pool-" + suffix;
		String model = "oai-" + suffix;
		String admin = TestKeys.PLATFORM_ADMIN;
		api.post(admin, "/v1/admin/regions", Map.of("id", region, "name", "Benchmark region"));
		api.post(admin, "/v1/admin/compute", Map.of("region", region, "id", pool, "accelerator", "none", "kind",
				"provider-hosted", "max_concurrent_sessions", options.sessions + 10, "price_per_minute", "0"));
		Map<String, Object> definition = TestModels.definition(model, "openai", "realtime", "Fake OpenAI realtime",
				3600, List.of("alloy"), "1", region, pool);
		api.post(admin, "/v1/admin/models", definition);
		String tenant = api.post(admin, "/v1/tenants",
				Map.of("name", "Benchmark " + suffix, "max_concurrent_sessions", options.sessions + 10))
			.path("id")
			.asString();
		String key = api.post(admin, "/v1/tenants/" + tenant + "/api_keys", Map.of("name", "bench", "role", "tenant_admin"))
			.path("secret")
			.asString();
		String agent = api.post(key, "/v1/agents", Map.of("name", "Rolling agent", "model", model, "region", region,
				"compute", pool, "rollover", Map.of("after_seconds", options.rolloverAfter)))
			.path("id")
			.asString();
		return new Setup(key, agent);
	}

	/** The run: sessions connect over one cycle, stream, and stop once enough rollovers were measured. */
	private static final class Run {

		private final Options options;

		private final Setup setup;

		private final URI uri;

		private final LoopResources loops;

		private final FrameLedger ledger;

		private final short[] cycle;

		/** Added to while the tick thread reads it. */
		private final List<StallSession> sessions = new CopyOnWriteArrayList<>();

		private volatile boolean streaming = true;

		private volatile boolean ticking = true;

		Run(Options options, Setup setup, URI uri, LoopResources loops, FrameLedger ledger) {
			this.options = options;
			this.setup = setup;
			this.uri = uri;
			this.loops = loops;
			this.ledger = ledger;
			int cycleMs = options.cycleMs();
			this.cycle = new SpeechLikeAudio(11).silence(cycleMs - SPEECH_MS).speech(SPEECH_MS).samples();
		}

		int execute() throws Exception {
			Options o = this.options;
			System.out.printf(Locale.ROOT, "rollover stall: %d sessions, %d ms frames, rollover after %d s, "
					+ "upstream open %d ms, upstream event spacing %d ms, %d audio deltas (100 ms each) per response, "
					+ "audio cycle %d ms pause + %d ms speech, warm-up %d s, until %d rollovers%n", o.sessions, o.frameMs,
					o.rolloverAfter, o.openMs, o.eventMs, o.deltas, o.cycleMs() - SPEECH_MS, SPEECH_MS, o.warmup,
					o.rollovers);
			Thread tick = Thread.ofPlatform().name("bench-tick").daemon().start(this::tick);
			long begun = System.nanoTime();
			for (int i = 0; i < o.sessions; i++) {
				StallSession session = new StallSession(i);
				this.sessions.add(session);
				connect(session);
				// spread over one cycle, so the sessions' turns and rollovers do not line up
				sleepNanos(TimeUnit.MILLISECONDS.toNanos(o.cycleMs()) / o.sessions);
			}
			long measureFrom = begun + TimeUnit.SECONDS.toNanos(o.warmup);
			this.sessions.forEach((session) -> session.measureFrom(measureFrom));
			sleepNanos(measureFrom - System.nanoTime());
			int postgresPort = TestDatabase.get().port();
			Usage before = Usage.now(postgresPort);
			Recording recording = null;
			if (o.jfr != null) {
				recording = new Recording(Configuration.getConfiguration("profile"));
				recording.start();
			}
			// bounded: every session rolls over at least every two cycles past after_seconds
			long perSession = o.rolloverAfter * 1000L + 2L * o.cycleMs();
			long limit = System.nanoTime()
					+ TimeUnit.MILLISECONDS.toNanos(perSession * (o.rollovers / o.sessions + 2) * 2 + 30_000);
			while (measured() < o.rollovers && System.nanoTime() < limit && !allGone()) {
				sleepNanos(200_000_000L);
			}
			boolean timedOut = measured() < o.rollovers;
			// one more cycle, so that the last rollovers are followed by an answer
			sleepNanos(TimeUnit.MILLISECONDS.toNanos(o.cycleMs() + 500L));
			this.streaming = false;
			Usage after = Usage.now(postgresPort);
			if (recording != null) {
				recording.dump(Path.of(o.jfr));
				recording.close();
			}
			awaitQuiet();
			StallReport report = new StallReport(o, this.sessions, this.ledger, measureFrom);
			int status = report.print(before, after, timedOut);
			closeAll();
			this.ticking = false;
			tick.join(1_000);
			return status;
		}

		private int measured() {
			return this.sessions.stream().mapToInt((session) -> session.measuredRollovers.get()).sum();
		}

		private boolean allGone() {
			return this.sessions.stream().allMatch((session) -> session.closed);
		}

		/** After the audio stops: switches under way finish and hand over what they held. */
		private void awaitQuiet() {
			long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			int calm = 0;
			while (calm < 10 && System.nanoTime() < until) {
				boolean switching = this.sessions.stream().anyMatch((session) -> session.switching);
				calm = switching ? 0 : calm + 1;
				sleepNanos(100_000_000L);
			}
		}

		private void connect(StallSession session) {
			reactor.netty.http.client.HttpClient.create()
				.runOn(this.loops)
				.headers((headers) -> headers.set("Authorization", "Bearer " + this.setup.tenantKey))
				.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(16 * 1024 * 1024).build())
				.uri(this.uri)
				.handle((in, out) -> {
					in.withConnection((connection) -> session.channel = connection.channel());
					session.outbound = out;
					return in.aggregateFrames(16 * 1024 * 1024)
						.receive()
						.asString()
						.doOnNext((text) -> session.onEvent(System.nanoTime(), text))
						.then();
				})
				.then()
				.subscribe(null, (error) -> {
					session.failure = String.valueOf(error);
					session.closed = true;
				}, () -> session.closed = true);
		}

		/** Every session's due frames, from one thread: frame k once (k + 1) frame lengths have passed since it was ready. */
		private void tick() {
			long frameNanos = TimeUnit.MILLISECONDS.toNanos(this.options.frameMs);
			int frameSamples = this.options.frameSamples();
			short[] frame = new short[frameSamples];
			while (this.ticking) {
				long now = System.nanoTime();
				for (int i = 0; i < this.sessions.size(); i++) {
					StallSession session = this.sessions.get(i);
					Channel channel = session.channel;
					long ready = session.readyNanos;
					if (!this.streaming || ready == 0 || channel == null || session.closed) {
						continue;
					}
					long due = (now - ready) / frameNanos;
					long sent = session.framesSent;
					try {
						while (sent < due) {
							int at = (int) ((sent * frameSamples) % this.cycle.length);
							System.arraycopy(this.cycle, at, frame, 0, frameSamples);
							FrameLedger.stamp(frame, session.index + 1, sent);
							String event = "{\"type\":\"input_audio_buffer.append\",\"audio\":\""
									+ Base64.getEncoder().encodeToString(Pcm16.toBytes(frame, 0, frameSamples)) + "\"}";
							channel.writeAndFlush(new TextWebSocketFrame(event), channel.voidPromise());
							sent++;
						}
					}
					catch (RuntimeException ex) {
						// one session's failure must not stop the others' audio; it shows as that session failed
						session.failure = String.valueOf(ex);
					}
					session.framesSent = sent;
				}
				LockSupport.parkNanos(1_000_000L);
			}
		}

		private void closeAll() {
			for (StallSession session : this.sessions) {
				var out = session.outbound;
				if (out != null && !session.closed) {
					out.sendClose(1000, "bench done").onErrorResume((error) -> Mono.empty()).subscribe();
				}
			}
			long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (!allGone() && System.nanoTime() < until) {
				sleepNanos(100_000_000L);
			}
		}

	}

	/**
	 * CPU time of this JVM, of the embedded PostgreSQL (its postmaster, found by its port, and that
	 * one's children) and of the whole machine, and the load average, at one moment.
	 */
	record Usage(long nanos, long jvmCpuNanos, long postgresTicks, long machineBusyTicks, long machineTotalTicks,
			String loadAverage) {

		/** Linux's USER_HZ, which /proc counts CPU time in. */
		static final int TICKS_PER_SECOND = 100;

		static Usage now(int postgresPort) throws IOException {
			long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
				.getProcessCpuTime();
			String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			long total = 0;
			long idle = 0;
			for (int i = 1; i < cpu.length; i++) {
				long ticks = Long.parseLong(cpu[i]);
				total += ticks;
				// idle and iowait
				if (i == 4 || i == 5) {
					idle += ticks;
				}
			}
			String[] load = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return new Usage(System.nanoTime(), jvm, postgres(postgresPort), total - idle, total,
					load[0] + " " + load[1] + " " + load[2]);
		}

		/** CPU ticks of the postmaster listening on {@code port} and of its children. */
		private static long postgres(int port) throws IOException {
			Map<Long, long[]> processes = new HashMap<>();
			long postmaster = -1;
			try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
				for (Path dir : proc) {
					try {
						String stat = Files.readString(dir.resolve("stat"));
						// the fields after the command, which may hold spaces: state ppid ... utime stime
						String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
						long pid = Long.parseLong(dir.getFileName().toString());
						processes.put(pid, new long[] { Long.parseLong(fields[1]),
								Long.parseLong(fields[11]) + Long.parseLong(fields[12]) });
						String command = Files.readString(dir.resolve("cmdline")).replace('\0', ' ');
						if (command.contains("postgres -D ") && command.contains(" -p " + port + " ")) {
							postmaster = pid;
						}
					}
					catch (IOException | RuntimeException ex) {
						// a process that ended while being read counts for nothing
					}
				}
			}
			long ticks = 0;
			for (Map.Entry<Long, long[]> process : processes.entrySet()) {
				if (process.getKey() == postmaster || process.getValue()[0] == postmaster) {
					ticks += process.getValue()[1];
				}
			}
			return (postmaster < 0) ? 0 : ticks;
		}

	}

	/** The REST calls that set the run up. */
	private record Api(String base, HttpClient http) {

		Api(String base) {
			this(base, HttpClient.newHttpClient());
		}

		JsonNode post(String key, String path, Object body) throws IOException, InterruptedException {
			HttpRequest request = HttpRequest.newBuilder(URI.create(this.base + path))
				.header("Authorization", "Bearer " + key)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
				.build();
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 201) {
				throw new IllegalStateException("POST " + path + ": " + response.statusCode() + " " + response.body());
			}
			return JSON.readTree(response.body());
		}

	}

	/** The command line: {@code --name value} pairs. */
	record Options(int sessions, int rollovers, int frameMs, int rolloverAfter, int openMs, int eventMs, int deltas,
			int warmup, String jfr) {

		static Options parse(String[] args) {
			Options options = new Options(option(args, "--sessions", 20), option(args, "--rollovers", 100),
					option(args, "--frame-ms", 20), option(args, "--rollover-after", 5), option(args, "--open-ms", 150),
					option(args, "--event-ms", 20), option(args, "--deltas", 5), option(args, "--warmup", 15),
					text(args, "--jfr"));
			if (options.sessions < 1 || options.sessions > 1000 || options.frameMs < 10 || options.frameMs > 200
					|| options.rolloverAfter < 5 || options.rollovers < 1 || options.deltas < 1) {
				throw new IllegalArgumentException("--sessions 1..1000, --frame-ms 10..200, --rollover-after 5 or more, "
						+ "--rollovers and --deltas 1 or more");
			}
			return options;
		}

		int frameSamples() {
			return this.frameMs * SpeechLikeAudio.SAMPLE_RATE / 1000;
		}

		/** The pause and the speech, the pause stretched to a whole number of frames. */
		int cycleMs() {
			int cycle = PAUSE_MS + SPEECH_MS;
			return (cycle + this.frameMs - 1) / this.frameMs * this.frameMs;
		}

		private static int option(String[] args, String name, int fallback) {
			String value = text(args, name);
			return (value != null) ? Integer.parseInt(value) : fallback;
		}

		private static String text(String[] args, String name) {
			for (int i = 0; i < args.length - 1; i++) {
				if (args[i].equals(name)) {
					return args[i + 1];
				}
			}
			return null;
		}

	}

	static void sleepNanos(long nanos) {
		if (nanos <= 0) {
			return;
		}
		try {
			TimeUnit.NANOSECONDS.sleep(nanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}

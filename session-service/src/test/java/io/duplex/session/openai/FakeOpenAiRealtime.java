package io.duplex.session.openai;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.resources.LoopResources;

import io.duplex.session.protocol.RealtimeSchema;
import tools.jackson.databind.JsonNode;

/**
 * A fake OpenAI Realtime server that follows the GA wire protocol: a WebSocket at
 * {@code /v1/realtime?model=…} behind {@code Authorization: Bearer}, {@code session.created} first,
 * manual turns (commit, transcription), streamed responses with usage, function calls, cancels,
 * error events with codes, out-of-band responses ({@code conversation: "none"}, answered outside
 * the conversation and alongside its response), and {@code session_expired} then close 1001 at a
 * configurable maximum duration. Every client event it receives is checked against OpenAI's schema, and so is every
 * server event it sends; tests assert that neither list of violations has anything in it.
 */
final class FakeOpenAiRealtime implements AutoCloseable {

	/** What the next responses are made of. */
	enum Mode {

		/** An assistant message with audio and its transcript (or text, when only text is asked for). */
		SPEAK,

		/** A function call to {@code get_weather}. */
		CALL,

		/** Starts speaking ({@link #holdDeltas} audio deltas), then waits to be cancelled. */
		HOLD,

		/** Creates the response, then produces nothing until it is cancelled: a stalled model. */
		STALL

	}

	/** How the next out-of-band responses ({@code conversation: "none"}) are answered. */
	enum OutOfBand {

		/** At once: {@link #SUMMARY} as text, with usage. */
		ANSWER,

		/** Created at once, then answered after {@link #outOfBandDelay}. */
		SLOW,

		/** Refused with an {@code error} event that names the request. */
		REFUSE

	}

	static final String KEY = "sk-fake-0123456789";

	/** What an out-of-band response answers. */
	static final String SUMMARY = "The user asked about trains to Lyon and wants the earliest one on Friday.";

	static final String TRANSCRIPT = "Hello from the fake.";

	static final String HEARD = "What is the weather?";

	static final String ARGUMENTS = "{\"city\":\"Paris\"}";

	final List<String> clientViolations = new CopyOnWriteArrayList<>();

	final List<String> serverViolations = new CopyOnWriteArrayList<>();

	/** Every {@code error} event the fake sent, as sent. */
	final List<String> errorsSent = new CopyOnWriteArrayList<>();

	/** Every client event received, in order, over all connections. */
	final List<JsonNode> received = new CopyOnWriteArrayList<>();

	final List<String> models = new CopyOnWriteArrayList<>();

	final List<FakeConnection> connections = new CopyOnWriteArrayList<>();

	final AtomicInteger handshakes = new AtomicInteger();

	/** The keys the fake accepts: as a bearer token, or in Azure's {@code api-key} header. */
	volatile Set<String> keys = Set.of(KEY);

	/** The key each handshake carried, in order: {@code Bearer …} or {@code api-key …}. */
	final List<String> credentials = new CopyOnWriteArrayList<>();

	volatile Mode mode = Mode.SPEAK;

	volatile int audioDeltas = 3;

	/** How many audio deltas a {@link Mode#HOLD} response sends before it waits. */
	volatile int holdDeltas = 1;

	/**
	 * How long the answer to a {@code response.cancel} (its {@code response.done}, status
	 * {@code cancelled}, with usage) takes: a model that reports late, or not before the socket closes.
	 */
	volatile Duration cancelDelay = Duration.ZERO;

	volatile OutOfBand outOfBand = OutOfBand.ANSWER;

	volatile Duration outOfBandDelay = Duration.ofSeconds(3);

	/** After how long a session expires; null for never. */
	volatile Duration maxDuration;

	/** Handshakes to refuse with 503 before accepting one. */
	volatile int unavailable;

	/** How long a handshake takes before the upgrade: the upstream's session-open time. */
	volatile Duration openDelay = Duration.ZERO;

	/** The least time between two server events of a connection, as a model's events come spaced out. */
	volatile Duration eventSpacing = Duration.ZERO;

	/** Where the spacing's timers run. */
	volatile Scheduler timer = Schedulers.parallel();

	/**
	 * Whether every client event is checked against the schema and kept in {@link #received} (and
	 * every committed turn's audio in its connection); a benchmark turns it off so the fake's own
	 * work stays small and its memory flat.
	 */
	volatile boolean recording = true;

	/** Sees the audio of every {@code input_audio_buffer.append}, on the connection's thread; null for none. */
	volatile AudioTap audioTap;

	/** Receives the input audio a connection is given, in the order it arrives. */
	@FunctionalInterface
	interface AudioTap {

		void appended(FakeConnection connection, byte[] pcm);

	}

	private final DisposableServer server;

	private FakeOpenAiRealtime(HttpServer server) {
		this.server = server.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.get("/v1/realtime", this::handshake))
			.bindNow();
	}

	static FakeOpenAiRealtime start() {
		return new FakeOpenAiRealtime(HttpServer.create());
	}

	/** A fake on event loops of its own, so its work does not queue behind the server's on shared ones. */
	static FakeOpenAiRealtime start(LoopResources loops) {
		return new FakeOpenAiRealtime(HttpServer.create().runOn(loops));
	}

	String baseUrl() {
		return "ws://127.0.0.1:" + this.server.port() + "/v1/realtime";
	}

	/** The latest connection. */
	FakeConnection connection() {
		return this.connections.get(this.connections.size() - 1);
	}

	/** The output audio of every fake audio delta, 100 ms each: a ramp, so that order and loss show. */
	static byte[] deltaAudio(int index) {
		byte[] pcm = new byte[4800];
		for (int i = 0; i < pcm.length; i++) {
			pcm[i] = (byte) (index * 31 + i);
		}
		return pcm;
	}

	/** All {@code count} deltas, concatenated. */
	static byte[] audio(int count) {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		for (int i = 0; i < count; i++) {
			all.writeBytes(deltaAudio(i));
		}
		return all.toByteArray();
	}

	/** The client events of {@code type} received so far. */
	List<JsonNode> received(String type) {
		return this.received.stream().filter((event) -> event.path("type").stringValue("").equals(type)).toList();
	}

	void checkClientEvent(String frame) {
		if (!this.recording) {
			return;
		}
		this.clientViolations.addAll(RealtimeSchema.get().validateClientEvent(frame));
	}

	void checkServerEvent(String frame) {
		if (!this.recording) {
			return;
		}
		this.serverViolations.addAll(RealtimeSchema.get().validateServerEvent(frame));
	}

	private Mono<Void> handshake(HttpServerRequest request, HttpServerResponse response) {
		this.handshakes.incrementAndGet();
		if (this.unavailable > 0) {
			this.unavailable--;
			return response.status(HttpResponseStatus.SERVICE_UNAVAILABLE).send();
		}
		String bearer = request.requestHeaders().get("Authorization", "");
		String apiKey = request.requestHeaders().get("api-key");
		this.credentials.add((apiKey != null) ? "api-key " + apiKey : bearer);
		QueryStringDecoder query = new QueryStringDecoder(request.uri());
		// the Azure OpenAI form: the deployment names the model, the key comes in api-key
		boolean azure = query.parameters().containsKey("api-version");
		String key = azure ? apiKey : (bearer.startsWith("Bearer ") ? bearer.substring(7) : null);
		if (key == null || !this.keys.contains(key)) {
			return response.status(HttpResponseStatus.UNAUTHORIZED)
				.header("Content-Type", "application/json")
				.sendString(Mono.just("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\","
						+ "\"message\":\"Incorrect API key provided.\",\"param\":null}}"))
				.then();
		}
		List<String> model = query.parameters().get(azure ? "deployment" : "model");
		if (model == null || model.size() != 1) {
			return response.status(HttpResponseStatus.BAD_REQUEST).send();
		}
		this.models.add(model.get(0));
		long accepted = System.nanoTime();
		Mono<Void> upgrade = Mono.defer(() -> response.sendWebsocket((in, out) -> {
			FakeConnection connection = new FakeConnection(this, model.get(0), in, out, accepted);
			this.connections.add(connection);
			return connection.run();
		}, WebsocketServerSpec.builder().maxFramePayloadLength(16 * 1024 * 1024).build()));
		Duration open = this.openDelay;
		return open.isZero() ? upgrade : Mono.delay(open, this.timer).then(upgrade);
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

}

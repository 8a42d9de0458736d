package io.duplex.session.cascade;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import io.duplex.audio.Wav;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fake OpenAI-compatible HTTP server (as vLLM, Ollama or a speech server expose one) on
 * 127.0.0.1, speaking the wire protocol of the three APIs a cascade uses: {@code POST
 * /v1/audio/transcriptions} (multipart with a WAV file, answered with {@code {"text", "usage"}}),
 * {@code POST /v1/chat/completions} with {@code stream: true} (server-sent chunks of
 * {@code chat.completion.chunk}, tool calls streamed by index, a last chunk with {@code usage} and
 * no choices, then {@code [DONE]}) and {@code POST /v1/audio/speech} with {@code response_format:
 * pcm} (raw PCM16 24 kHz, chunked). Requests that break the protocol are answered 400 with
 * OpenAI's error shape and recorded as violations. Fixed delays stand in for inference time.
 */
final class FakeOpenAiCompatible implements AutoCloseable {

	static final JsonMapper JSON = JsonMapper.shared();

	static final String KEY = "sk-fake-cascade-0123";

	static final String HEARD = "What is the weather in Paris?";

	/** What the chat model answers: two sentences, streamed a few characters at a time. */
	static final List<String> ANSWER = List.of("It is sunny", " in Paris", " today.", " Anything", " else?");

	static final String ARGUMENTS = "{\"city\":\"Paris\"}";

	static final String CALL_ID = "call_fake7";

	/** The usage chunk: every member distinct, to catch a swap. */
	static final String USAGE = """
			{"prompt_tokens":57,"completion_tokens":13,"total_tokens":70,"prompt_tokens_details":{"cached_tokens":32}}""";

	/** Samples of speech per character of text, so the audio's length shows what was spoken. */
	static final int SAMPLES_PER_CHAR = 240;

	/** What the chat model does. */
	enum Chat {

		/** Streams {@link #ANSWER} (as text), then usage. */
		SPEAK,

		/** Streams a call of {@code get_weather}, then usage. */
		CALL,

		/** Streams the first sentence, then nothing more until the client goes. */
		HOLD,

		/** Answers 429 with OpenAI's rate-limit error. */
		RATE_LIMITED,

		/** Answers 503. */
		UNAVAILABLE,

		/** Streams the first chunk, then drops the connection. */
		DROP

	}

	/**
	 * One request the fake received.
	 * @param receivedNanos when its body had arrived ({@link System#nanoTime()})
	 */
	record Received(String path, String authorization, byte[] body, String contentType, long receivedNanos) {

		JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

	final List<Received> received = new CopyOnWriteArrayList<>();

	final List<String> violations = new CopyOnWriteArrayList<>();

	/** Requests whose connection closed before their answer was complete: the client aborted them. */
	final List<String> aborted = new CopyOnWriteArrayList<>();

	final List<String> completed = new CopyOnWriteArrayList<>();

	/** TCP connections accepted. */
	final AtomicInteger connections = new AtomicInteger();

	volatile Set<String> keys = Set.of(KEY);

	volatile Chat chat = Chat.SPEAK;

	/** Speech holds after its first chunk until the client goes. */
	volatile boolean holdSpeech;

	volatile Duration transcriptionDelay = Duration.ZERO;

	volatile Duration firstTokenDelay = Duration.ZERO;

	volatile Duration tokenInterval = Duration.ZERO;

	volatile Duration speechDelay = Duration.ZERO;

	private final DisposableServer server;

	private FakeOpenAiCompatible() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnChannelInit((observer, channel, address) -> this.connections.incrementAndGet())
			.route((routes) -> routes.post("/v1/audio/transcriptions", this::transcribe)
				.post("/v1/chat/completions", this::complete)
				.post("/v1/audio/speech", this::speak))
			.bindNow();
	}

	static FakeOpenAiCompatible start() {
		return new FakeOpenAiCompatible();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.port() + "/v1";
	}

	List<Received> received(String path) {
		return this.received.stream().filter((request) -> request.path().equals(path)).toList();
	}

	/** The PCM the fake speaks for {@code text}: a ramp per character, so order and loss show. */
	static byte[] pcm(String text) {
		int samples = text.length() * SAMPLES_PER_CHAR;
		byte[] pcm = new byte[samples * 2];
		for (int i = 0; i < samples; i++) {
			short sample = (short) (text.charAt(i / SAMPLES_PER_CHAR) * 64 + i % SAMPLES_PER_CHAR);
			pcm[2 * i] = (byte) sample;
			pcm[2 * i + 1] = (byte) (sample >> 8);
		}
		return pcm;
	}

	private Mono<Void> transcribe(HttpServerRequest request, HttpServerResponse response) {
		return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap((body) -> {
			String contentType = request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE, "");
			Received received = record(request, body, contentType);
			Mono<Void> refused = refuse(received, response);
			if (refused != null) {
				return refused;
			}
			Multipart form = Multipart.parse(contentType, body);
			if (form == null || form.file("file") == null || form.field("model") == null) {
				return invalid(response, "file", "A multipart body with a file and a model is required.");
			}
			Wav.Clip clip;
			try {
				clip = Wav.read(form.file("file"));
			}
			catch (IllegalArgumentException ex) {
				return invalid(response, "file", "The audio file could not be decoded: " + ex.getMessage());
			}
			ObjectNode answer = JSON.createObjectNode();
			answer.put("text", HEARD);
			answer.putObject("usage").put("type", "duration").put("seconds",
					Math.ceil(clip.durationMillis() / 1000.0));
			return Mono.delay(this.transcriptionDelay, loop(response))
				.then(response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
					.sendString(Mono.just(JSON.writeValueAsString(answer)))
					.then())
				.doOnSuccess((done) -> this.completed.add(received.path()));
		});
	}

	private Mono<Void> complete(HttpServerRequest request, HttpServerResponse response) {
		return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap((body) -> {
			Received received = record(request, body, request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE, ""));
			Mono<Void> refused = refuse(received, response);
			if (refused != null) {
				return refused;
			}
			JsonNode json = JSON.readTree(body);
			if (!json.path("stream").asBoolean(false) || !json.path("model").isString()
					|| !json.path("messages").isArray()) {
				return invalid(response, "stream", "This fake only streams: stream must be true, with a model and messages.");
			}
			if (!json.path("stream_options").path("include_usage").asBoolean(false)) {
				this.violations.add("stream_options.include_usage is not set");
			}
			for (JsonNode tool : json.path("tools")) {
				if (!tool.path("function").path("name").isString()) {
					return invalid(response, "tools", "A tool must be {type: function, function: {name, ...}}.");
				}
			}
			return switch (this.chat) {
				case RATE_LIMITED -> error(response, HttpResponseStatus.TOO_MANY_REQUESTS, "requests", "rate_limit_exceeded",
						"Rate limit reached for requests.", null);
				case UNAVAILABLE -> error(response, HttpResponseStatus.SERVICE_UNAVAILABLE, "server_error", null,
						"The server is overloaded.", null);
				default -> stream(received, response, json.path("model").stringValue());
			};
		});
	}

	private Mono<Void> stream(Received received, HttpServerResponse response, String model) {
		List<String> chunks = new ArrayList<>();
		chunks.add(chunk(model, (delta) -> delta.put("role", "assistant").put("content", ""), null));
		switch (this.chat) {
			case CALL -> {
				chunks.add(chunk(model, (delta) -> {
					ObjectNode call = delta.putArray("tool_calls").addObject();
					call.put("index", 0).put("id", CALL_ID).put("type", "function");
					call.putObject("function").put("name", "get_weather").put("arguments", "");
				}, null));
				for (String piece : List.of("{\"city\"", ":\"Par", "is\"}")) {
					chunks.add(chunk(model, (delta) -> delta.putArray("tool_calls")
						.addObject()
						.put("index", 0)
						.putObject("function")
						.put("arguments", piece), null));
				}
				chunks.add(chunk(model, (delta) -> {
				}, "tool_calls"));
			}
			case HOLD, DROP -> chunks.add(chunk(model, (delta) -> delta.put("content", "It is sunny. "), null));
			default -> {
				for (String piece : ANSWER) {
					chunks.add(chunk(model, (delta) -> delta.put("content", piece), null));
				}
				chunks.add(chunk(model, (delta) -> {
				}, "stop"));
			}
		}
		boolean ends = this.chat != Chat.HOLD && this.chat != Chat.DROP;
		if (ends) {
			ObjectNode usage = base(model);
			usage.putArray("choices");
			usage.set("usage", JSON.readTree(USAGE));
			chunks.add(JSON.writeValueAsString(usage));
			chunks.add("[DONE]");
		}
		// chunk k is due firstTokenDelay + k × tokenInterval after the request, however late the ones
		// before it went out, so that the fake's own timing errors do not add up
		long start = System.nanoTime();
		long first = this.firstTokenDelay.toNanos();
		long interval = this.tokenInterval.toNanos();
		Scheduler loop = loop(response);
		Flux<String> events = Flux.fromIterable(chunks)
			.index()
			.concatMap((indexed) -> {
				String event = "data: " + indexed.getT2() + "\n\n";
				long wait = start + first + indexed.getT1() * interval - System.nanoTime();
				return (wait <= 0) ? Mono.just(event) : Mono.delay(Duration.ofNanos(wait), loop).thenReturn(event);
			});
		if (this.chat == Chat.HOLD) {
			events = events.concatWith(Flux.never());
		}
		if (this.chat == Chat.DROP) {
			events = events.concatWith(Mono.defer(() -> {
				response.withConnection((connection) -> connection.channel().close());
				return Mono.empty();
			}));
		}
		return track(received, response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
			.header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
			.sendString(events, StandardCharsets.UTF_8)
			.then(), response);
	}

	private Mono<Void> speak(HttpServerRequest request, HttpServerResponse response) {
		return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap((body) -> {
			Received received = record(request, body, request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE, ""));
			Mono<Void> refused = refuse(received, response);
			if (refused != null) {
				return refused;
			}
			JsonNode json = JSON.readTree(body);
			if (!json.path("input").isString() || !json.path("model").isString() || !json.path("voice").isString()) {
				return invalid(response, "input", "model, input and voice are required.");
			}
			if (!"pcm".equals(json.path("response_format").stringValue(""))) {
				return invalid(response, "response_format", "This fake speaks pcm only.");
			}
			byte[] pcm = pcm(json.path("input").stringValue());
			// chunks of odd sizes, as a network may cut them: a sample can straddle two
			List<byte[]> chunks = new ArrayList<>();
			for (int at = 0; at < pcm.length; at += 4801) {
				chunks.add(java.util.Arrays.copyOfRange(pcm, at, Math.min(pcm.length, at + 4801)));
			}
			Flux<byte[]> audio = Flux.fromIterable(chunks);
			if (this.holdSpeech) {
				audio = audio.take(1).concatWith(Flux.never());
			}
			Flux<byte[]> delayed = this.speechDelay.isZero() ? audio : Mono.delay(this.speechDelay, loop(response)).thenMany(audio);
			return track(received, response.header(HttpHeaderNames.CONTENT_TYPE, "audio/pcm")
				.sendByteArray(delayed)
				.then(), response);
		});
	}

	/**
	 * Timers on the connection's own event loop, as a server's are: the answer is then written from
	 * the thread that owns the connection, with no hop to another thread adding to the fixed delays.
	 */
	private static Scheduler loop(HttpServerResponse response) {
		Scheduler[] loop = { Schedulers.parallel() };
		response.withConnection((connection) -> loop[0] = Schedulers.fromExecutorService(connection.channel().eventLoop()));
		return loop[0];
	}

	/** Records whether the answer completed or the client closed the connection first. */
	private Mono<Void> track(Received received, Mono<Void> answer, HttpServerResponse response) {
		boolean[] done = { false };
		response.withConnection((connection) -> connection.onDispose(() -> {
			if (!done[0]) {
				this.aborted.add(received.path());
			}
		}));
		return answer.doOnSuccess((nothing) -> {
			done[0] = true;
			this.completed.add(received.path());
		}).doOnCancel(() -> {
			if (!done[0]) {
				done[0] = true;
				this.aborted.add(received.path());
			}
		});
	}

	private Received record(HttpServerRequest request, byte[] body, String contentType) {
		String authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION, "");
		Received received = new Received(request.path().replaceFirst("^v1", ""), authorization, body, contentType,
				System.nanoTime());
		this.received.add(received);
		return received;
	}

	/** 401 as OpenAI answers a wrong key; null when the key is right. */
	private Mono<Void> refuse(Received received, HttpServerResponse response) {
		String authorization = received.authorization();
		if (authorization.startsWith("Bearer ") && this.keys.contains(authorization.substring(7))) {
			return null;
		}
		return error(response, HttpResponseStatus.UNAUTHORIZED, "invalid_request_error", "invalid_api_key",
				"Incorrect API key provided.", null);
	}

	private Mono<Void> invalid(HttpServerResponse response, String param, String message) {
		this.violations.add(message);
		return error(response, HttpResponseStatus.BAD_REQUEST, "invalid_request_error", null, message, param);
	}

	private static Mono<Void> error(HttpServerResponse response, HttpResponseStatus status, String type, String code,
			String message, String param) {
		ObjectNode body = JSON.createObjectNode();
		ObjectNode error = body.putObject("error");
		error.put("message", message);
		error.put("type", type);
		error.put("param", param);
		error.put("code", code);
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendString(Mono.just(JSON.writeValueAsString(body)))
			.then();
	}

	private static ObjectNode base(String model) {
		ObjectNode chunk = JSON.createObjectNode();
		chunk.put("id", "chatcmpl-fake1");
		chunk.put("object", "chat.completion.chunk");
		chunk.put("created", 1_763_700_000L);
		chunk.put("model", model);
		chunk.put("system_fingerprint", "fp_fake");
		return chunk;
	}

	private static String chunk(String model, java.util.function.Consumer<ObjectNode> delta, String finishReason) {
		ObjectNode chunk = base(model);
		ArrayNode choices = chunk.putArray("choices");
		ObjectNode choice = choices.addObject();
		choice.put("index", 0);
		delta.accept(choice.putObject("delta"));
		choice.putNull("logprobs");
		choice.put("finish_reason", finishReason);
		return JSON.writeValueAsString(chunk);
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

}

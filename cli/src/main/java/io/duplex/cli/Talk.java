package io.duplex.cli;

import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.websocket.WebsocketOutbound;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * {@code duplex talk}: one conversation turn with an agent over {@code /v1/realtime}. Speaks a WAV
 * file at real-time pace in 20 ms chunks, like a microphone, then a second of silence so server VAD
 * ends the turn (more silence while the server still hears speech), or types a text message; prints
 * what the server says and waits for the answer's {@code response.done}.
 * @see <a href="https://platform.openai.com/docs/guides/realtime-websocket">OpenAI Realtime over WebSocket</a>
 */
final class Talk {

	static final int CHUNK_MS = 20;

	static final int CHUNK_SAMPLES = Wav.RATE * CHUNK_MS / 1000;

	static final int TAIL_MS = 1000;

	/** The server's own frame limit: the protocol allows events up to 15 MiB. */
	static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

	/** How long after the input with no speech reported before the client gives up on VAD. */
	private static final Duration NO_SPEECH_GRACE = Duration.ofSeconds(1);

	private final TalkOptions options;

	private final PrintStream out;

	private final long startNanos = System.nanoTime();

	private final Exchange exchange;

	private final CompletableFuture<@Nullable String> finished = new CompletableFuture<>();

	private final AtomicReference<@Nullable WebsocketOutbound> socket = new AtomicReference<>();

	private final AtomicReference<@Nullable WebSocketCloseStatus> closeStatus = new AtomicReference<>();

	/** Completes when the connection has ended, however. */
	private final CompletableFuture<@Nullable Void> connectionEnded = new CompletableFuture<>();

	/** How long a finished talk waits for the server to end the connection after its close. */
	private static final long CLOSE_WAIT_MS = 2_000;

	// everything the client sends is emitted on this one thread, so the sink never sees two producers
	private final Scheduler pace = Schedulers.newSingle("duplex-talk-pace", true);

	private final Sinks.Many<String> outgoing = Sinks.many().unicast().onBackpressureBuffer();

	private volatile boolean started;

	private volatile boolean inputSent;

	/** Audio streamed, in chunks, and when streaming began and ended. */
	volatile long chunksSent;

	volatile long streamStartNanos;

	volatile long streamEndNanos;

	Talk(TalkOptions options, PrintStream out) {
		this.options = options;
		this.out = out;
		this.exchange = new Exchange(out, options.quiet(), this.startNanos);
	}

	/** Talks, prints the summary, writes the reply; the exit code: 0, or 1 on a failure or error event. */
	int run() {
		Wav.Clip clip = (this.options.in() != null) ? Wav.read(this.options.in()) : null;
		this.out.println("Talking to " + this.options.agent() + " at " + this.options.realtimeUri().toString()
			.replaceFirst("\\?.*", "") + ((clip != null) ? ": " + TalkSummary.describe(this.options.in(), clip) : ""));
		LoopResources loops = LoopResources.create("duplex-talk", 1, true);
		String failure;
		try {
			failure = converse(loops, clip);
		}
		finally {
			this.pace.dispose();
			loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
		}
		if (failure != null && this.exchange.sessionId == null) {
			this.out.println();
			this.out.println("duplex talk: " + failure);
			return 1;
		}
		TalkSummary.print(this.out, this.exchange, this.options, clip, this);
		if (failure != null) {
			this.out.println();
			this.out.println("duplex talk: " + failure);
			return 1;
		}
		return this.exchange.errors.isEmpty() ? 0 : 1;
	}

	private @Nullable String converse(LoopResources loops, Wav.@Nullable Clip clip) {
		HttpClient client = HttpClient.create(ConnectionProvider.newConnection())
			.runOn(loops)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
			.headers((headers) -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + this.options.key()));
		Disposable connection = client
			.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(MAX_FRAME_BYTES).build())
			.uri(this.options.realtimeUri())
			.handle((in, out) -> {
				this.socket.set(out);
				Mono<Void> receive = in.aggregateFrames(MAX_FRAME_BYTES).receive().asString(StandardCharsets.UTF_8)
					.doOnNext((text) -> onEvent(text, clip))
					.then();
				Mono<Void> closing = in.receiveCloseStatus().doOnNext(this.closeStatus::set).then();
				Mono<Void> send = out.sendString(this.outgoing.asFlux()).then();
				return Mono.when(receive, closing, send.onErrorComplete());
			})
			.then()
			.doFinally((signal) -> this.connectionEnded.complete(null))
			.subscribe(null, (error) -> this.finished.complete(connectionFailure(error)),
					() -> this.finished.complete(closedEarly()));
		long inputMs = (clip != null) ? Math.round(clip.seconds() * 1000) + TAIL_MS : 0;
		long waitMs = 30_000 + inputMs + this.options.timeout().toMillis();
		try {
			return this.finished.get(waitMs, TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			return "gave up after " + waitMs / 1000 + " s without an answer.";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted.";
		}
		catch (ExecutionException ex) {
			return String.valueOf(ex.getCause());
		}
		finally {
			close();
			try {
				// the server answers the close and ends the connection (RFC 6455 §7.1.1); ending it
				// here first, with its events unread, would reset it and lose the close frame
				this.connectionEnded.get(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException | ExecutionException ex) {
				// closed below either way
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			connection.dispose();
		}
	}

	private void onEvent(String text, Wav.@Nullable Clip clip) {
		this.exchange.onEvent(text);
		if (!this.started && this.exchange.sessionId != null) {
			this.started = true;
			// the input starts once the session exists, as a client would start its microphone
			if (clip != null) {
				streamAudio(clip.samples());
			}
			else {
				this.pace.schedule(this::sendText);
			}
		}
		checkDone();
	}

	private void sendText() {
		String text = this.options.text();
		// before sending: the answer may come back before the next line runs
		this.exchange.turnEnded();
		emit("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\",\"content\":"
				+ "[{\"type\":\"input_text\",\"text\":" + Json.string(text) + "}]}}");
		emit("{\"type\":\"response.create\"}");
		this.exchange.note("(client) text sent", Exchange.quote(String.valueOf(text)) + "  + response.create");
		inputDone();
	}

	/**
	 * Sends chunk {@code k} at {@code (k + 1) × 20 ms} after the start, when a microphone would have
	 * captured all of it: a fixed-rate timer, so late ticks do not add up to drift.
	 */
	private void streamAudio(short[] samples) {
		long audioChunks = Math.ceilDiv(samples.length, CHUNK_SAMPLES);
		long tailChunks = TAIL_MS / CHUNK_MS;
		String silence = append(new short[CHUNK_SAMPLES], 0, CHUNK_SAMPLES);
		this.streamStartNanos = System.nanoTime();
		this.exchange.note("(client) streaming audio", audioChunks + " chunks of " + CHUNK_MS + " ms at real-time pace, then "
				+ TAIL_MS + " ms of silence");
		long keepOpenChunks = this.options.timeout().toMillis() / CHUNK_MS;
		AtomicReference<@Nullable Disposable> timer = new AtomicReference<>();
		timer.set(Flux.interval(Duration.ofMillis(CHUNK_MS), Duration.ofMillis(CHUNK_MS), this.pace).subscribe((tick) -> {
			if (this.finished.isDone()) {
				dispose(timer);
				return;
			}
			if (tick < audioChunks) {
				int from = (int) (tick * CHUNK_SAMPLES);
				emit(append(samples, from, Math.min(CHUNK_SAMPLES, samples.length - from)));
			}
			else if (tick < audioChunks + tailChunks
					|| (this.exchange.speaking && tick < audioChunks + tailChunks + keepOpenChunks)) {
				// like an open microphone: silence for as long as the server still hears speech
				emit(silence);
			}
			else {
				dispose(timer);
				this.streamEndNanos = System.nanoTime();
				this.exchange.note("(client) audio sent", String.format(java.util.Locale.ROOT, "%d chunks in %.3f s",
						this.chunksSent, (this.streamEndNanos - this.streamStartNanos) / 1e9));
				if (!this.exchange.turnDetection) {
					// no server VAD: the client ends the turn itself
					this.exchange.turnEnded();
					emit("{\"type\":\"input_audio_buffer.commit\"}");
					emit("{\"type\":\"response.create\"}");
					this.exchange.note("(client) committed", "input_audio_buffer.commit + response.create (no turn detection)");
				}
				inputDone();
				return;
			}
			this.chunksSent++;
		}));
	}

	private void inputDone() {
		this.inputSent = true;
		this.pace.schedule(() -> {
			if (this.exchange.speechStarts == 0 && this.exchange.turnDetection && this.options.in() != null
					&& this.exchange.finishedResponses == 0 && this.exchange.activeResponses == 0) {
				finish("the server heard no speech in " + this.options.in()
						+ " (no input_audio_buffer.speech_started). Is it silent or very quiet? "
						+ "Try a generated one: duplex talk --make-wav hello.wav");
			}
		}, NO_SPEECH_GRACE.toMillis(), TimeUnit.MILLISECONDS);
		this.pace.schedule(() -> finish("no response.done within " + this.options.timeout().toSeconds()
				+ " s after the input was sent."), this.options.timeout().toMillis(), TimeUnit.MILLISECONDS);
		checkDone();
	}

	/** Done when the input is sent and the last turn's answer has finished, with no speech or turn pending. */
	private void checkDone() {
		Exchange e = this.exchange;
		if (this.inputSent && !e.speaking && !e.turnPending && e.activeResponses == 0 && e.finishedResponses > 0) {
			finish(null);
		}
	}

	private void finish(@Nullable String failure) {
		if (this.finished.complete(failure)) {
			close();
		}
	}

	private void close() {
		WebsocketOutbound out = this.socket.get();
		if (out != null && this.closeStatus.get() == null) {
			out.sendObject(new CloseWebSocketFrame(1000, "done")).then().onErrorComplete().subscribe();
		}
	}

	private void emit(String event) {
		this.outgoing.tryEmitNext(event);
	}

	static String append(short[] samples, int from, int count) {
		return "{\"type\":\"input_audio_buffer.append\",\"audio\":\""
				+ Base64.getEncoder().encodeToString(Wav.toPcm(samples, from, count)) + "\"}";
	}

	private @Nullable String closedEarly() {
		WebSocketCloseStatus status = this.closeStatus.get();
		String why = (status != null) ? " (" + status.code() + " " + status.reasonText() + ")" : "";
		return "the server closed the socket before the answer was complete" + why + ".";
	}

	private String connectionFailure(Throwable error) {
		if (error instanceof WebSocketClientHandshakeException handshake && handshake.response() != null) {
			int status = handshake.response().status().code();
			String explanation = switch (status) {
				case 401 -> "the API key was refused (unknown, revoked, or its tenant is suspended); pass --key or set DUPLEX_KEY";
				case 403 -> "this key may not open sessions (a platform admin key has no tenant: use a tenant key)";
				case 404 -> "no agent " + this.options.agent() + " in this key's tenant";
				case 422 -> "the request was refused as invalid; check --agent";
				case 429 -> "no room for another session: the tenant's or the compute pool's concurrent session limit is reached";
				default -> handshake.response().status().reasonPhrase();
			};
			return "the server refused the session: HTTP " + status + ": " + explanation + ".";
		}
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		if (error instanceof ConnectException || root instanceof ConnectException) {
			return "could not connect to " + this.options.base() + " (" + root.getMessage()
					+ "). Is the server running? Start it with ./duplex start.";
		}
		return "the connection failed: " + error;
	}

	private static void dispose(AtomicReference<@Nullable Disposable> timer) {
		Disposable disposable = timer.get();
		if (disposable != null) {
			disposable.dispose();
		}
	}

	long elapsedNanos() {
		return System.nanoTime() - this.startNanos;
	}

}

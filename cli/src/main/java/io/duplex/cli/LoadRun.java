package io.duplex.cli;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * N sessions at once, each speaking at real-time pace: 1.5 s of silence, then 2 s of speech-like
 * audio, over and over, in 20 ms frames, so turns end, the sandbox answers, and the next turn
 * interrupts the answer. One event loop group carries every socket, and one tick thread writes
 * every session's due frames every 20 ms (prepared once: the same bytes for every session), so the
 * client costs little next to the server it measures.
 * <p>
 * The tick writes to each channel itself (Netty queues the write on the channel's loop). Handing
 * each loop one task per tick instead was tried: it saves wake-ups, but when the loops are busy
 * reading, those tasks wait, the client falls behind the real-time schedule, and the server looks
 * better than it is.
 * <p>
 * Bounded: sessions start over the ramp, and at the deadline the tick closes whatever is still
 * open, even if nobody called {@link #stop()}.
 */
final class LoadRun {

	/** How often the tick runs, and the default frame length. */
	static final int FRAME_MS = 20;

	private final long frameNanos;

	static final double SILENCE_SECONDS = 1.5;

	static final double SPEECH_SECONDS = 2.0;

	/**
	 * With pauses (the rollover benchmark): 3 s of silence, then 1 s of speech, so each answer ends
	 * about a second before the next turn and the session has idle moments to roll over in.
	 */
	static final double PAUSED_SILENCE_SECONDS = 3.0;

	static final double PAUSED_SPEECH_SECONDS = 1.0;

	private final HttpClient client;

	private final URI uri;

	private final List<LoadSession> sessions = new ArrayList<>();

	private final List<ByteBuf> cycle;

	private final long deadlineNanos;

	private final ScheduledExecutorService tick = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "bench-tick");
		thread.setDaemon(true);
		return thread;
	});

	private int nextToConnect;

	private volatile boolean measuring;

	/** Frames sent while measuring. */
	private final LongAdder framesMeasured = new LongAdder();

	private volatile boolean stopping;

	/**
	 * @param uri the socket's address, {@code ws://…/v1/realtime?agent=…}
	 * @param ramp how long it takes to start all sessions, evenly spread
	 * @param limit when the sessions end by themselves, after the start, if not stopped before
	 */
	/** @param pauses whether turns leave idle moments between them (see {@link #PAUSED_SILENCE_SECONDS}) */
	LoadRun(URI uri, String key, int count, Duration ramp, Duration limit, LoopResources loops, boolean pauses,
			int frameMs) {
		this.uri = uri;
		this.client = HttpClient.create(ConnectionProvider.newConnection())
			.runOn(loops)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
			.headers((headers) -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key));
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			this.sessions.add(new LoadSession(i, start + ramp.toNanos() * i / count));
		}
		this.deadlineNanos = start + limit.toNanos();
		this.frameNanos = TimeUnit.MILLISECONDS.toNanos(frameMs);
		this.cycle = pauses ? cycle(PAUSED_SILENCE_SECONDS, PAUSED_SPEECH_SECONDS, frameMs)
				: cycle(SILENCE_SECONDS, SPEECH_SECONDS, frameMs);
	}

	/** The frames of one speech cycle, each as the JSON of an {@code input_audio_buffer.append}. */
	static List<ByteBuf> cycle(double silenceSeconds, double speechSeconds, int frameMs) {
		int frame = Wav.RATE * frameMs / 1000;
		List<ByteBuf> frames = new ArrayList<>();
		ByteBuf silence = frame(Talk.append(new short[frame], 0, frame));
		for (int i = 0; i < Math.round(silenceSeconds * 1000 / frameMs); i++) {
			frames.add(silence);
		}
		short[] speech = SpeechLike.speech(speechSeconds);
		for (int from = 0; from + frame <= speech.length; from += frame) {
			frames.add(frame(Talk.append(speech, from, frame)));
		}
		return List.copyOf(frames);
	}

	private static ByteBuf frame(String json) {
		// never freed while the run lasts: each write sends a duplicate, which the encoder may release
		return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.US_ASCII)));
	}

	void start() {
		this.tick.scheduleAtFixedRate(this::tick, 0, FRAME_MS, TimeUnit.MILLISECONDS);
	}

	/** Whether output audio lateness is recorded now. */
	void measuring(boolean on) {
		this.measuring = on;
	}

	/** Frames sent while measuring: compared with what the server timed, the difference is still on its way. */
	long framesMeasured() {
		return this.framesMeasured.sum();
	}

	List<LoadSession> sessions() {
		return this.sessions;
	}

	/** Sessions that have connected (got {@code session.created}) or failed: the ramp is over when all have. */
	long settled() {
		return this.sessions.stream()
			.filter((s) -> s.state != LoadSession.State.PLANNED && s.state != LoadSession.State.CONNECTING)
			.count();
	}

	long streaming() {
		return this.sessions.stream().filter((s) -> s.state == LoadSession.State.STREAMING).count();
	}

	private void tick() {
		try {
			long now = System.nanoTime();
			if (this.stopping || now >= this.deadlineNanos) {
				closeAll();
				return;
			}
			while (this.nextToConnect < this.sessions.size()
					&& this.sessions.get(this.nextToConnect).plannedStartNanos <= now) {
				connect(this.sessions.get(this.nextToConnect++));
			}
			for (LoadSession session : this.sessions) {
				if (session.state == LoadSession.State.STREAMING) {
					send(session, now);
				}
			}
		}
		catch (RuntimeException ex) {
			// a failed tick must not cancel the timer (which is what throwing would do)
			System.err.println("bench tick failed: " + ex);
		}
	}

	/** Sends the frames due by now: frame k once (k + 1) frame lengths of the session's clock have passed. */
	private void send(LoadSession session, long now) {
		Channel channel = session.channel;
		if (channel == null || !channel.isActive()) {
			return;
		}
		long due = (now - session.readyNanos) / this.frameNanos;
		long wrote = 0;
		while (session.framesSent < due) {
			ByteBuf frame = this.cycle.get((int) (session.framesSent++ % this.cycle.size()));
			channel.write(new TextWebSocketFrame(frame.duplicate()), channel.voidPromise());
			wrote++;
		}
		if (wrote > 0) {
			channel.flush();
			if (this.measuring) {
				this.framesMeasured.add(wrote);
			}
		}
	}

	private void connect(LoadSession session) {
		session.state = LoadSession.State.CONNECTING;
		this.client.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(Talk.MAX_FRAME_BYTES).build())
			.uri(this.uri)
			.handle((in, out) -> {
				in.withConnection((connection) -> session.channel = connection.channel());
				session.outbound = out;
				return in.aggregateFrames(Talk.MAX_FRAME_BYTES)
					.receiveFrames()
					.doOnNext((frame) -> session.onFrame(frame, System.nanoTime(), this.measuring))
					.then();
			})
			.then()
			.subscribe(null, (error) -> {
				session.failure = describe(error);
				session.state = LoadSession.State.FAILED;
			}, () -> {
				if (session.state != LoadSession.State.STOPPING) {
					session.closedEarly = true;
				}
				session.state = LoadSession.State.CLOSED;
			});
	}

	private static String describe(Throwable error) {
		String message = String.valueOf(error.getMessage());
		return error.getClass().getSimpleName() + ": " + message;
	}

	/** Closes every open session (a normal close, 1000) and stops sending. */
	void stop() {
		this.stopping = true;
		closeAll();
	}

	private void closeAll() {
		this.nextToConnect = this.sessions.size();
		for (LoadSession session : this.sessions) {
			LoadSession.State state = session.state;
			if ((state == LoadSession.State.STREAMING || state == LoadSession.State.CONNECTING
					|| state == LoadSession.State.STOPPING) && !session.closeSent) {
				session.state = LoadSession.State.STOPPING;
				Channel channel = session.channel;
				if (session.outbound != null && channel != null) {
					// a session still connecting has no outbound yet: a later tick closes it.
					// The close frame alone, and the server closes the connection (RFC 6455 §7.1.1):
					// a client that closed it itself with the server's events still unread would
					// reset it, losing its own close frame, and the server would see a dropped
					// connection (and keep the session resumable) rather than a close
					session.closeSent = true;
					channel.writeAndFlush(new CloseWebSocketFrame(1000, "bench done"));
				}
			}
		}
	}

	/** Waits up to {@code timeout} for every session to be closed or failed; then stops the tick. */
	boolean awaitClosed(Duration timeout) throws InterruptedException {
		long until = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < until) {
			if (this.sessions.stream()
				.allMatch((s) -> s.state == LoadSession.State.CLOSED || s.state == LoadSession.State.FAILED
						|| s.state == LoadSession.State.PLANNED)) {
				break;
			}
			Thread.sleep(100);
		}
		this.tick.shutdownNow();
		return this.sessions.stream()
			.allMatch((s) -> s.state == LoadSession.State.CLOSED || s.state == LoadSession.State.FAILED
					|| s.state == LoadSession.State.PLANNED);
	}

}

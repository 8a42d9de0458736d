package io.duplex.cli;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * One benchmark session: its socket, how far its audio has got, and what it measured.
 * <p>
 * Its frames are sent by the benchmark's single tick thread; its events arrive on its channel's
 * event loop thread. Measurements are kept per session, written by that one thread only, and read
 * after the session has closed. Events are recognised by scanning the start of the frame (the
 * server writes {@code type} first), so audio deltas are measured without decoding their base64.
 */
final class LoadSession {

	enum State {

		PLANNED, CONNECTING, STREAMING, STOPPING, CLOSED, FAILED

	}

	/** Enough of an event to hold its type and, for deltas, the ids before the audio. */
	private static final int HEAD_BYTES = 320;

	private static final String DELTA_FIELD = "\"delta\":\"";

	final int index;

	final long plannedStartNanos;

	volatile State state = State.PLANNED;

	volatile @Nullable Channel channel;

	volatile @Nullable WebsocketOutbound outbound;

	/** When {@code session.created} arrived: the session's audio clock starts here. */
	volatile long readyNanos;

	/** Frames sent; only the tick thread touches it. */
	long framesSent;

	/** Whether the close frame went out; only the tick thread touches it. */
	boolean closeSent;

	volatile @Nullable String failure;

	volatile boolean closedEarly;

	// written by the event loop thread only
	int errors;

	@Nullable String firstError;

	/** Turns begun and responses ended while the benchmark measured. */
	int speechStarts;

	int responsesDone;

	long audioDeltas;

	private @Nullable String responseId;

	private long firstDeltaNanos;

	private long samplesBefore;

	/** Lateness of output audio deltas (ns), measured while the benchmark measures. */
	private long[] lateness = new long[64];

	private int latenessCount;

	/** Rollover switch times (ns) while the benchmark measures, and rollovers that failed. */
	private long[] switches = new long[8];

	private int switchCount;

	int rolloversFailed;

	private long rolloverStartedNanos;

	LoadSession(int index, long plannedStartNanos) {
		this.index = index;
		this.plannedStartNanos = plannedStartNanos;
	}

	/**
	 * Handles one server event.
	 * @param measuring whether lateness is being recorded now
	 */
	void onFrame(WebSocketFrame frame, long now, boolean measuring) {
		if (!(frame instanceof TextWebSocketFrame)) {
			return;
		}
		ByteBuf content = frame.content();
		int length = content.readableBytes();
		String head = content.toString(content.readerIndex(), Math.min(length, HEAD_BYTES), StandardCharsets.ISO_8859_1);
		String type = field(head, "type");
		if (type == null) {
			return;
		}
		switch (type) {
			case "response.output_audio.delta" -> audioDelta(head, content, length, now, measuring);
			case "session.created" -> {
				if (this.readyNanos == 0) {
					this.readyNanos = now;
					if (this.state == State.CONNECTING) {
						this.state = State.STREAMING;
					}
				}
			}
			case "input_audio_buffer.speech_started" -> this.speechStarts += measuring ? 1 : 0;
			case "response.done" -> this.responsesDone += measuring ? 1 : 0;
			case "duplex.session.rollover" -> rollover(field(head, "phase"), now, measuring);
			case "error" -> {
				this.errors++;
				if (this.firstError == null) {
					String text = content.toString(StandardCharsets.UTF_8);
					this.firstError = Json.MAPPER.readTree(text).path("error").path("message").asString(text);
				}
			}
			default -> {
				// the other events do not change what the benchmark measures
			}
		}
	}

	/**
	 * Delta k of a response is due at the first one's arrival plus the audio of deltas 0..k-1, as
	 * the sandbox sends audio at real-time pace: arrival minus due is the delay added on the way,
	 * without the model's own delay before its first delta.
	 */
	private void audioDelta(String head, ByteBuf content, int length, long now, boolean measuring) {
		this.audioDeltas++;
		String response = field(head, "response_id");
		int delta = head.indexOf(DELTA_FIELD);
		if (response == null || delta < 0) {
			return;
		}
		// the audio is the last field: {"…","delta":"<base64>"}
		int base64 = length - (delta + DELTA_FIELD.length()) - 2;
		int end = content.readerIndex() + length - 2;
		int padding = (content.getByte(end - 1) == '=' ? 1 : 0) + (content.getByte(end - 2) == '=' ? 1 : 0);
		long samples = (base64 / 4 * 3 - padding) / 2;
		if (!response.equals(this.responseId)) {
			this.responseId = response;
			this.firstDeltaNanos = now;
			this.samplesBefore = 0;
		}
		else if (measuring) {
			long due = this.firstDeltaNanos + this.samplesBefore * 1_000_000_000L / Wav.RATE;
			record(now - due);
		}
		this.samplesBefore += samples;
	}

	/**
	 * A rollover's switch, from {@code started} to {@code completed}: the time the server holds
	 * the session's input for the next upstream, which is how long a turn ending then would wait.
	 */
	private void rollover(@Nullable String phase, long now, boolean measuring) {
		if ("started".equals(phase)) {
			this.rolloverStartedNanos = now;
		}
		else if ("completed".equals(phase) && this.rolloverStartedNanos != 0) {
			if (measuring) {
				if (this.switchCount == this.switches.length) {
					this.switches = Arrays.copyOf(this.switches, this.switches.length * 2);
				}
				this.switches[this.switchCount++] = now - this.rolloverStartedNanos;
			}
			this.rolloverStartedNanos = 0;
		}
		else if ("failed".equals(phase)) {
			this.rolloverStartedNanos = 0;
			this.rolloversFailed += measuring ? 1 : 0;
		}
	}

	long[] switches() {
		return Arrays.copyOf(this.switches, this.switchCount);
	}

	private void record(long nanos) {
		if (this.latenessCount == this.lateness.length) {
			this.lateness = Arrays.copyOf(this.lateness, this.lateness.length * 2);
		}
		this.lateness[this.latenessCount++] = nanos;
	}

	long[] lateness() {
		return Arrays.copyOf(this.lateness, this.latenessCount);
	}

	/** A string field's value from the start of an event, or null if it is not there. */
	static @Nullable String field(String head, String name) {
		String key = "\"" + name + "\":\"";
		int start = head.indexOf(key);
		if (start < 0) {
			return null;
		}
		start += key.length();
		int end = head.indexOf('"', start);
		return (end < 0) ? null : head.substring(start, end);
	}

}

package io.duplex.session.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.websocket.WebsocketOutbound;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One client session of the {@link RolloverStallBenchmark}: its socket, how many frames it has
 * sent, and every server event the benchmark looks at, with its arrival time. Events arrive on the
 * channel's event loop; frames go out from the benchmark's tick thread.
 */
final class StallSession {

	enum Kind {

		CREATED, COMMITTED, DELTA, DONE, STARTED, COMPLETED, FAILED, ERROR

	}

	/** A server event: when it arrived, what it was, and its response id (deltas) or reason (rollovers). */
	record Event(long nanos, Kind kind, String detail) {
	}

	final int index;

	volatile @Nullable Channel channel;

	volatile @Nullable WebsocketOutbound outbound;

	/** When {@code session.created} arrived; 0 before. Frame k is due (k + 1) frame lengths after. */
	volatile long readyNanos;

	/** Frames sent; written by the tick thread only. */
	volatile long framesSent;

	volatile boolean closed;

	volatile @Nullable String failure;

	/** Rollovers completed whose {@code started} came after the warm-up. */
	final AtomicInteger measuredRollovers = new AtomicInteger();

	final AtomicInteger errors = new AtomicInteger();

	/** Whether a rollover has started and not ended. */
	volatile boolean switching;

	private volatile long measureFromNanos = Long.MAX_VALUE;

	private long startedNanos;

	private final List<Event> events = new ArrayList<>();

	StallSession(int index) {
		this.index = index;
	}

	void measureFrom(long nanos) {
		this.measureFromNanos = nanos;
	}

	void onEvent(long now, String text) {
		JsonNode event = JsonMapper.shared().readTree(text);
		String type = event.path("type").asString("");
		switch (type) {
			case "session.created" -> {
				record(now, Kind.CREATED, "");
				this.readyNanos = now;
			}
			case "input_audio_buffer.committed" -> record(now, Kind.COMMITTED, event.path("item_id").asString(""));
			case "response.output_audio.delta" -> record(now, Kind.DELTA, event.path("response_id").asString(""));
			case "response.done" -> record(now, Kind.DONE, event.path("response").path("status").asString(""));
			case "duplex.session.rollover" -> rollover(now, event);
			case "error" -> {
				this.errors.incrementAndGet();
				record(now, Kind.ERROR, event.path("error").path("message").asString(""));
			}
			default -> {
				// other events do not enter the measurement
			}
		}
	}

	private void rollover(long now, JsonNode event) {
		String phase = event.path("phase").asString("");
		String reason = event.path("reason").asString("");
		switch (phase) {
			case "started" -> {
				this.switching = true;
				this.startedNanos = now;
				record(now, Kind.STARTED, reason);
			}
			case "completed" -> {
				this.switching = false;
				if (this.startedNanos >= this.measureFromNanos) {
					this.measuredRollovers.incrementAndGet();
				}
				record(now, Kind.COMPLETED, reason);
			}
			default -> {
				this.switching = false;
				record(now, Kind.FAILED, reason);
			}
		}
	}

	private synchronized void record(long now, Kind kind, String detail) {
		this.events.add(new Event(now, kind, detail));
	}

	synchronized List<Event> events() {
		return List.copyOf(this.events);
	}

}

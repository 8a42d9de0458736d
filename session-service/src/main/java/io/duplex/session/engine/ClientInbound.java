package io.duplex.session.engine;

import java.util.concurrent.TimeUnit;

import io.duplex.session.protocol.ClientEvent;
import io.duplex.session.protocol.Decoded;
import io.duplex.session.protocol.ProtocolError;

/**
 * What a session's client sends, in: its frames within their byte rate (asked on the socket's
 * thread, before a frame is copied or decoded), its events within their rate, and each event handed
 * to the part of the session that handles it.
 */
final class ClientInbound {

	private final SessionEngine engine;

	private final SessionLimits limits;

	private final SessionClock clock;

	/** Bytes of client frames, checked on the socket's thread before a frame is decoded. */
	private final EventRateLimiter bytes;

	/** The client went over its byte rate: later frames are not decoded (socket thread only). */
	private boolean refused;

	private final EventRateLimiter events;

	ClientInbound(SessionEngine engine, SessionLimits limits, SessionClock clock) {
		this.engine = engine;
		this.limits = limits;
		this.clock = clock;
		this.bytes = new EventRateLimiter(limits.inboundBytesPerSecond().toBytes(), limits.inboundBurst().toBytes(),
				clock.startedNanos());
		this.events = new EventRateLimiter(limits.eventsPerSecond(), limits.eventBurst(), clock.startedNanos());
	}

	/**
	 * Whether a frame of {@code bytes} is within the client's byte rate (socket thread). Over it,
	 * the session ends and nothing more the client sends is read.
	 */
	boolean admitFrame(long bytes) {
		if (this.refused) {
			return false;
		}
		if (this.bytes.tryAcquire(System.nanoTime(), bytes)) {
			return true;
		}
		this.refused = true;
		this.engine.submit(new Input.Stop(Ending.byteRateExceeded(this.limits)));
		return false;
	}

	/** A client event, on the engine's turn. */
	void handle(Input.FromClient client) {
		dispatch(client.decoded(), client.arrivedNanos());
		if (client.decoded() instanceof ClientEvent.InputAudioBufferAppend) {
			// what the gateway adds to each audio frame: decoding, queueing and handing it to the model
			this.engine.services().frameLatency.record(System.nanoTime() - client.arrivedNanos(), TimeUnit.NANOSECONDS);
		}
	}

	private void dispatch(Decoded decoded, long arrivedNanos) {
		long now = System.nanoTime();
		this.clock.clientEvent(now);
		if (!this.events.tryAcquire(now)) {
			this.engine.stop(Ending.eventRateExceeded(this.limits));
			return;
		}
		SessionEngine engine = this.engine;
		switch (decoded) {
			case ProtocolError error -> engine.emitError(error);
			case ClientEvent.SessionUpdate update -> engine.sessionUpdate(update);
			case ClientEvent.InputAudioBufferAppend append -> engine.input().append(append, arrivedNanos);
			case ClientEvent.InputAudioBufferCommit commit -> engine.input().commit(commit);
			case ClientEvent.InputAudioBufferClear clear -> engine.input().clear();
			case ClientEvent.ConversationItemCreate create -> ClientItems.create(engine, create);
			case ClientEvent.ConversationItemRetrieve retrieve -> ClientItems.retrieve(engine, retrieve);
			case ClientEvent.ConversationItemTruncate truncate -> engine.responses().truncateByClient(truncate);
			case ClientEvent.ConversationItemDelete delete -> ClientItems.delete(engine, delete);
			case ClientEvent.ResponseCreate create -> engine.responses().create(create.response(), create.eventId());
			case ClientEvent.ResponseCancel cancel -> engine.responses().cancelByClient(cancel);
			case ClientEvent.OutputAudioBufferClear clear -> engine.emitError("unsupported_on_websocket",
					"output_audio_buffer.clear is for WebRTC and SIP; a WebSocket client stops its own playback and "
							+ "sends conversation.item.truncate.",
					null, clear.eventId());
		}
	}

}

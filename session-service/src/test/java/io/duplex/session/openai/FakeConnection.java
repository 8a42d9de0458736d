package io.duplex.session.openai;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** One upstream session on the fake server: answers client events as OpenAI's GA server does. */
final class FakeConnection {

	private final FakeOpenAiRealtime server;

	private final String model;

	private final WebsocketInbound in;

	private final WebsocketOutbound out;

	private final FakeEvents events = new FakeEvents();

	private final Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();

	private final String sessionId;

	/** The input audio since the last commit, and every committed turn's audio. */
	private ByteArrayOutputStream buffer = new ByteArrayOutputStream();

	final List<byte[]> turns = new ArrayList<>();

	/** Every client event this session received, in order. */
	final List<JsonNode> received = new CopyOnWriteArrayList<>();

	/** Every byte of input audio appended to this session, in order. */
	private final ByteArrayOutputStream appended = new ByteArrayOutputStream();

	/** Item ids of the conversation, in order. */
	final List<String> items = new ArrayList<>();

	private boolean transcribe;

	private String heldResponse;

	private String heldItem;

	private int heldDeltas;

	private volatile int closeCode;

	private volatile String closeReason = "";

	/** When its handshake arrived, and when its first {@code session.updated} left ({@link System#nanoTime()}). */
	final long acceptedNanos;

	volatile long updatedNanos;

	FakeConnection(FakeOpenAiRealtime server, String model, WebsocketInbound in, WebsocketOutbound out,
			long acceptedNanos) {
		this.acceptedNanos = acceptedNanos;
		this.server = server;
		this.model = model;
		this.in = in;
		this.out = out;
		this.sessionId = this.events.id("sess_");
	}

	Mono<Void> run() {
		ObjectNode created = this.events.event("session.created");
		created.set("session", this.events.session(this.sessionId, this.model, FakeEvents.JSON.createObjectNode()));
		send(created);
		if (this.server.maxDuration != null) {
			Mono.delay(this.server.maxDuration).subscribe((tick) -> expire());
		}
		Mono<Void> receive = this.in.aggregateFrames(16 * 1024 * 1024)
			.receive()
			.asString()
			.doOnNext(this::onFrame)
			.then();
		Duration spacing = this.server.eventSpacing;
		Scheduler timer = this.server.timer;
		Flux<String> events = spacing.isZero() ? this.outbound.asFlux()
				: this.outbound.asFlux().concatMap((event) -> Mono.just(event).delayElement(spacing, timer));
		Mono<Void> send = this.out.sendString(events.doOnNext(this::sent))
			.then()
			.then(Mono.defer(() -> (this.closeCode != 0) ? this.out.sendClose(this.closeCode, this.closeReason)
					: Mono.empty()));
		return Mono.firstWithSignal(receive, send);
	}

	private void sent(String event) {
		if (this.server.recording && event.startsWith("{\"type\":\"error\"")) {
			this.server.errorsSent.add(event);
		}
		if (this.updatedNanos == 0 && event.startsWith("{\"type\":\"session.updated\"")) {
			this.updatedNanos = System.nanoTime();
		}
	}

	String sessionId() {
		return this.sessionId;
	}

	/** Sends an {@code error} event, as OpenAI does for a recoverable problem. */
	void error(String code, String message) {
		send(this.events.error("invalid_request_error", code, message, null));
	}

	/** Sends an {@code error} event of {@code type} that blames the request member {@code param}. */
	void error(String type, String code, String message, String param) {
		ObjectNode event = this.events.error(type, code, message, null);
		((ObjectNode) event.path("error")).put("param", param);
		send(event);
	}

	/** The maximum duration is reached: {@code session_expired}, then close 1001. */
	synchronized void expire() {
		String message = "Your session hit the maximum duration of 60 minutes.";
		send(this.events.error("invalid_request_error", "session_expired", message, null));
		this.closeCode = 1001;
		this.closeReason = message;
		this.outbound.tryEmitComplete();
	}

	/** Drops the connection without a close frame. */
	void drop() {
		this.in.withConnection((connection) -> connection.channel().close());
	}

	private synchronized void onFrame(String frame) {
		this.server.checkClientEvent(frame);
		JsonNode event = FakeEvents.JSON.readTree(frame);
		if (this.server.recording) {
			this.server.received.add(event);
			this.received.add(event);
		}
		String eventId = event.path("event_id").stringValue(null);
		switch (event.path("type").stringValue("")) {
			case "session.update" -> {
				JsonNode session = event.path("session");
				this.transcribe = session.path("audio").path("input").path("transcription").isObject();
				ObjectNode updated = this.events.event("session.updated");
				updated.set("session", this.events.session(this.sessionId, this.model, session));
				send(updated);
			}
			case "input_audio_buffer.append" -> {
				byte[] audio = Base64.getDecoder().decode(event.path("audio").stringValue(""));
				FakeOpenAiRealtime.AudioTap tap = this.server.audioTap;
				if (tap != null) {
					tap.appended(this, audio);
				}
				this.buffer.writeBytes(audio);
				if (this.server.recording) {
					this.appended.writeBytes(audio);
				}
			}
			case "input_audio_buffer.clear" -> {
				this.buffer = new ByteArrayOutputStream();
				send(this.events.event("input_audio_buffer.cleared"));
			}
			case "input_audio_buffer.commit" -> commit(eventId);
			case "conversation.item.create" -> itemCreated(event.path("item"));
			case "conversation.item.truncate" -> {
				ObjectNode truncated = this.events.event("conversation.item.truncated");
				truncated.put("item_id", event.path("item_id").stringValue(""));
				truncated.put("content_index", 0);
				truncated.put("audio_end_ms", event.path("audio_end_ms").asInt());
				send(truncated);
			}
			case "conversation.item.delete" -> {
				this.items.remove(event.path("item_id").stringValue(""));
				ObjectNode deleted = this.events.event("conversation.item.deleted");
				deleted.put("item_id", event.path("item_id").stringValue(""));
				send(deleted);
			}
			case "response.create" -> {
				if ("none".equals(event.path("response").path("conversation").stringValue("auto"))) {
					outOfBand(event.path("response"), eventId);
				}
				else {
					respond(event.path("response"), eventId);
				}
			}
			case "response.cancel" -> cancel(eventId);
			default -> send(this.events.error("invalid_request_error", "unknown_event", "Unknown event.", eventId));
		}
	}

	private void commit(String eventId) {
		byte[] audio = this.buffer.toByteArray();
		// OpenAI refuses less than 100 ms of audio
		if (audio.length < 4800) {
			send(this.events.error("invalid_request_error", "input_audio_buffer_commit_empty",
					"Error committing input audio buffer: buffer too small.", eventId));
			return;
		}
		if (this.server.recording) {
			this.turns.add(audio);
		}
		this.buffer = new ByteArrayOutputStream();
		String itemId = this.events.id("item_");
		String previous = this.items.isEmpty() ? null : this.items.get(this.items.size() - 1);
		this.items.add(itemId);
		ObjectNode committed = this.events.event("input_audio_buffer.committed");
		committed.put("previous_item_id", previous);
		committed.put("item_id", itemId);
		send(committed);
		ObjectNode item = FakeEvents.JSON.createObjectNode();
		item.put("id", itemId);
		item.put("object", "realtime.item");
		item.put("type", "message");
		item.put("status", "completed");
		item.put("role", "user");
		item.putArray("content").addObject().put("type", "input_audio");
		itemEvent("conversation.item.added", previous, item);
		itemEvent("conversation.item.done", previous, item);
		if (this.transcribe) {
			ObjectNode transcribed = this.events.event("conversation.item.input_audio_transcription.completed");
			transcribed.put("item_id", itemId);
			transcribed.put("content_index", 0);
			transcribed.put("transcript", FakeOpenAiRealtime.HEARD);
			transcribed.putObject("usage").put("type", "duration").put("seconds", audio.length / 48_000.0);
			send(transcribed);
		}
	}

	private void itemCreated(JsonNode item) {
		ObjectNode added = (ObjectNode) item.deepCopy();
		String itemId = added.has("id") ? added.get("id").stringValue() : this.events.id("item_");
		added.put("id", itemId);
		added.put("object", "realtime.item");
		added.put("status", "completed");
		String previous = this.items.isEmpty() ? null : this.items.get(this.items.size() - 1);
		this.items.add(itemId);
		itemEvent("conversation.item.added", previous, added);
		itemEvent("conversation.item.done", previous, added);
	}

	private void respond(JsonNode params, String eventId) {
		if (this.heldResponse != null) {
			send(this.events.error("invalid_request_error", "conversation_already_has_active_response",
					"Conversation already has an active response in progress: " + this.heldResponse + ".", eventId));
			return;
		}
		String responseId = this.events.id("resp_");
		ObjectNode created = this.events.event("response.created");
		created.set("response", this.events.response(responseId, "in_progress", FakeEvents.JSON.createArrayNode(), false));
		send(created);
		if (this.server.mode == FakeOpenAiRealtime.Mode.STALL) {
			this.heldResponse = responseId;
			return;
		}
		String itemId = this.events.id("item_");
		this.items.add(itemId);
		if (this.server.mode == FakeOpenAiRealtime.Mode.CALL) {
			FakeResponses.call(this, responseId, itemId);
		}
		else {
			boolean audio = !"text".equals(params.path("output_modalities").path(0).stringValue("audio"));
			boolean hold = this.server.mode == FakeOpenAiRealtime.Mode.HOLD;
			int deltas = hold ? this.server.holdDeltas : this.server.audioDeltas;
			FakeResponses.speak(this, responseId, itemId, audio, deltas, hold);
			if (hold) {
				this.heldResponse = responseId;
				this.heldItem = itemId;
				this.heldDeltas = deltas;
			}
		}
	}

	/** A response outside the conversation: it may run beside the conversation's, and adds no item to it. */
	private void outOfBand(JsonNode params, String eventId) {
		if (this.server.outOfBand == FakeOpenAiRealtime.OutOfBand.REFUSE) {
			send(this.events.error("invalid_request_error", "invalid_value",
					"Invalid value: the response could not be created.", eventId));
			return;
		}
		Duration delay = (this.server.outOfBand == FakeOpenAiRealtime.OutOfBand.SLOW) ? this.server.outOfBandDelay
				: Duration.ZERO;
		FakeResponses.outOfBand(this, this.events.id("resp_"), this.events.id("item_"), params,
				FakeOpenAiRealtime.SUMMARY, delay);
	}

	/** All the input audio appended to this session. */
	synchronized byte[] appended() {
		return this.appended.toByteArray();
	}

	private void cancel(String eventId) {
		if (this.heldResponse == null) {
			send(this.events.error("invalid_request_error", "response_cancel_not_active",
					"Cancellation failed: no active response found.", eventId));
			return;
		}
		String response = this.heldResponse;
		String item = this.heldItem;
		int deltas = this.heldDeltas;
		this.heldResponse = null;
		this.heldItem = null;
		// OpenAI answers a cancel with the response's response.done, status cancelled, with its usage
		Runnable answer = () -> {
			if (item == null) {
				ObjectNode done = this.events.event("response.done");
				done.set("response", this.events.response(response, "cancelled", array(), true));
				send(done);
			}
			else {
				FakeResponses.finish(this, response, item, "cancelled", true, deltas);
			}
		};
		Duration delay = this.server.cancelDelay;
		if (delay.isZero()) {
			answer.run();
		}
		else {
			Mono.delay(delay).subscribe((tick) -> answer.run());
		}
	}

	/**
	 * A response nobody asked for (as the upstream's own turn detection creates one), reported with
	 * its usage ({@link FakeEvents#USAGE}); {@code responseId} names it.
	 */
	void unsolicited(String responseId) {
		ObjectNode created = this.events.event("response.created");
		created.set("response", this.events.response(responseId, "in_progress", array(), false));
		send(created);
		reportAgain(responseId);
	}

	/** The {@code response.done} of {@code responseId} (again), with its usage. */
	void reportAgain(String responseId) {
		ObjectNode done = this.events.event("response.done");
		done.set("response", this.events.response(responseId, "completed", array(), true));
		send(done);
	}

	FakeEvents events() {
		return this.events;
	}

	void itemEvent(String type, String previous, JsonNode item) {
		ObjectNode event = this.events.event(type);
		event.put("previous_item_id", previous);
		event.set("item", item);
		send(event);
	}

	synchronized void send(ObjectNode event) {
		String frame = FakeEvents.JSON.writeValueAsString(event);
		this.server.checkServerEvent(frame);
		this.outbound.tryEmitNext(frame);
	}

	ArrayNode array() {
		return FakeEvents.JSON.createArrayNode();
	}

}

package io.duplex.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;

/**
 * A stand-in for {@code /v1/realtime} on 127.0.0.1 that plays one scripted turn: it answers
 * {@code session.created}, keeps the audio it is sent (and when it arrived), and once the audio
 * turns silent after speech (or a text item and {@code response.create} come) it reports the
 * turn and sends a response: five 100 ms audio deltas, transcript deltas, and usage.
 */
final class FakeRealtimeServer {

	private final String key;

	private @Nullable DisposableServer server;

	volatile @Nullable String authorization;

	volatile @Nullable String agent;

	/** Answer the text item with an {@code error} event. */
	volatile boolean errorOnText;

	final List<String> clientEvents = new CopyOnWriteArrayList<>();

	private final List<short[]> chunks = new CopyOnWriteArrayList<>();

	private final List<Long> chunkNanos = new CopyOnWriteArrayList<>();

	private volatile long sessionCreatedNanos;

	FakeRealtimeServer(String key) {
		this.key = key;
	}

	void start() {
		this.server = HttpServer.create().host("127.0.0.1").port(0)
			.route((routes) -> routes.get("/v1/realtime", this::handle))
			.bindNow();
	}

	void stop() {
		if (this.server != null) {
			this.server.disposeNow();
		}
	}

	String url() {
		return "http://127.0.0.1:" + this.server.port();
	}

	/** The reply's audio: half a second of a deterministic pattern. */
	static short[] reply() {
		short[] samples = new short[Wav.RATE / 2];
		for (int i = 0; i < samples.length; i++) {
			samples[i] = (short) ((i * 37) % 2000 - 1000);
		}
		return samples;
	}

	/** All audio received, in order. */
	short[] received() {
		short[] all = new short[this.chunks.stream().mapToInt((c) -> c.length).sum()];
		int at = 0;
		for (short[] chunk : this.chunks) {
			System.arraycopy(chunk, 0, all, at, chunk.length);
			at += chunk.length;
		}
		return all;
	}

	/** Seconds from {@code session.created} until the first {@code samples} samples had arrived. */
	double secondsToReceive(int samples) {
		int count = 0;
		for (int i = 0; i < this.chunks.size(); i++) {
			count += this.chunks.get(i).length;
			if (count >= samples) {
				return (this.chunkNanos.get(i) - this.sessionCreatedNanos) / 1e9;
			}
		}
		return -1;
	}

	private org.reactivestreams.Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		this.authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
		if (!("Bearer " + this.key).equals(this.authorization)) {
			return response.status(HttpResponseStatus.UNAUTHORIZED).send();
		}
		this.agent = request.uri().replaceFirst(".*[?&]agent=([^&]*).*", "$1");
		return response.sendWebsocket((in, out) -> {
			Sinks.Many<String> events = Sinks.many().unicast().onBackpressureBuffer();
			Turn turn = new Turn(events);
			events.tryEmitNext("{\"type\":\"session.created\",\"event_id\":\"event_0\",\"session\":{\"id\":\"sess_fake\","
					+ "\"model\":\"sandbox\",\"output_modalities\":[\"audio\"],\"audio\":{\"input\":{\"turn_detection\":"
					+ "{\"type\":\"server_vad\",\"silence_duration_ms\":500}},\"output\":{\"voice\":\"alloy\"}}}}");
			this.sessionCreatedNanos = System.nanoTime();
			Mono<Void> receive = in.aggregateFrames().receive().asString(StandardCharsets.UTF_8)
				.doOnNext((text) -> turn.onClientEvent(Json.MAPPER.readTree(text)))
				.then();
			return Mono.when(receive, out.sendString(events.asFlux()).then());
		});
	}

	/** One connection's script; its events are emitted on the connection's thread only. */
	private final class Turn {

		private final Sinks.Many<String> events;

		private boolean heardSpeech;

		private boolean answered;

		Turn(Sinks.Many<String> events) {
			this.events = events;
		}

		void onClientEvent(JsonNode event) {
			String type = event.path("type").asString("");
			FakeRealtimeServer.this.clientEvents.add(type);
			switch (type) {
				case "input_audio_buffer.append" -> {
					short[] samples = Wav.fromPcm(Base64.getDecoder().decode(event.path("audio").asString("")));
					FakeRealtimeServer.this.chunks.add(samples);
					FakeRealtimeServer.this.chunkNanos.add(System.nanoTime());
					boolean silent = true;
					for (short sample : samples) {
						silent &= sample == 0;
					}
					this.heardSpeech |= !silent;
					if (silent && this.heardSpeech && !this.answered) {
						this.answered = true;
						emit("{\"type\":\"input_audio_buffer.speech_started\",\"audio_start_ms\":0,\"item_id\":\"item_1\"}");
						emit("{\"type\":\"input_audio_buffer.speech_stopped\",\"audio_end_ms\":800,\"item_id\":\"item_1\"}");
						emit("{\"type\":\"input_audio_buffer.committed\",\"previous_item_id\":null,\"item_id\":\"item_1\"}");
						emit("{\"type\":\"conversation.item.added\",\"item\":{\"id\":\"item_1\",\"type\":\"message\","
								+ "\"role\":\"user\",\"status\":\"completed\",\"content\":[{\"type\":\"input_audio\"}]}}");
						emit("{\"type\":\"conversation.item.input_audio_transcription.completed\",\"item_id\":\"item_1\","
								+ "\"content_index\":0,\"transcript\":\"(0.5 seconds of speech)\"}");
						respond();
					}
				}
				case "conversation.item.create" -> {
					if (FakeRealtimeServer.this.errorOnText) {
						emit("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"code\":\"invalid_value\","
								+ "\"message\":\"Not today.\",\"param\":null,\"event_id\":null}}");
						return;
					}
					String text = event.path("item").path("content").path(0).path("text").asString("");
					emit("{\"type\":\"conversation.item.added\",\"previous_item_id\":null,\"item\":{\"id\":\"item_t\","
							+ "\"type\":\"message\",\"role\":\"user\",\"status\":\"completed\",\"content\":[{\"type\":"
							+ "\"input_text\",\"text\":" + Json.string(text) + "}]}}");
				}
				case "response.create" -> respond();
				default -> {
					// nothing else is scripted
				}
			}
		}

		private void respond() {
			emit("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"status\":\"in_progress\"}}");
			short[] reply = reply();
			List<String> words = new ArrayList<>(List.of("You", " spoke", " for", " 0.5", " seconds."));
			for (int k = 0; k < 5; k++) {
				short[] chunk = java.util.Arrays.copyOfRange(reply, k * 2400, (k + 1) * 2400);
				emit("{\"type\":\"response.output_audio.delta\",\"response_id\":\"resp_1\",\"item_id\":\"item_2\","
						+ "\"output_index\":0,\"content_index\":0,\"delta\":\"" + TalkTests.base64(chunk) + "\"}");
				emit("{\"type\":\"response.output_audio_transcript.delta\",\"response_id\":\"resp_1\",\"item_id\":\"item_2\","
						+ "\"output_index\":0,\"content_index\":0,\"delta\":" + Json.string(words.get(k)) + "}");
			}
			emit("{\"type\":\"response.output_audio.done\",\"response_id\":\"resp_1\",\"item_id\":\"item_2\"}");
			emit("{\"type\":\"response.output_audio_transcript.done\",\"response_id\":\"resp_1\",\"item_id\":\"item_2\","
					+ "\"transcript\":\"You spoke for 0.5 seconds.\"}");
			emit("{\"type\":\"response.done\",\"response\":{\"id\":\"resp_1\",\"status\":\"completed\",\"usage\":{"
					+ "\"total_tokens\":25,\"input_tokens\":8,\"output_tokens\":17,\"input_token_details\":{\"text_tokens\":3,"
					+ "\"audio_tokens\":5,\"image_tokens\":0,\"cached_tokens\":1,\"cached_tokens_details\":{\"text_tokens\":1,"
					+ "\"audio_tokens\":0,\"image_tokens\":0}},\"output_token_details\":{\"text_tokens\":7,\"audio_tokens\":10}}}}");
		}

		private void emit(String event) {
			this.events.tryEmitNext(event);
		}

	}

}

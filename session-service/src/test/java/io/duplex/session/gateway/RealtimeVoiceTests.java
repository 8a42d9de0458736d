package io.duplex.session.gateway;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.duplex.session.SessionTestSupport;
import io.duplex.session.audio.AudioEncoder;
import io.duplex.session.audio.AudioFormat;
import io.duplex.session.audio.Pcm16;
import io.duplex.session.audio.SpeechLikeAudio;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** A spoken turn through the real socket, the server VAD and the sandbox model. */
class RealtimeVoiceTests extends SessionTestSupport {

	@Test
	void voiceTurnThenEventsInOrderTimedOnTheAudioClockWithAnExactParrotReplyAndAStoredTranscript() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		SpeechLikeAudio audio = new SpeechLikeAudio(7).silence(500).speech(1500).silence(900);
		short[] samples = audio.samples();
		SpeechLikeAudio.Span speech = audio.speechSpans().get(0);

		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("model=" + agent), tenant.adminKey())) {
			JsonNode created = client.await("session.created");
			String sessionId = created.path("session").path("id").asString();
			client.streamPcm(samples);
			JsonNode done = client.await((event) -> "response.done".equals(event.path("type").asString()),
					Duration.ofSeconds(15));

			JsonNode started = client.await("input_audio_buffer.speech_started");
			JsonNode stopped = client.await("input_audio_buffer.speech_stopped");
			JsonNode committed = client.await("input_audio_buffer.committed");
			JsonNode responseCreated = client.await("response.created");
			JsonNode itemAdded = client.await("response.output_item.added");
			JsonNode firstDelta = client.await("response.output_audio.delta");
			JsonNode transcriptDone = client.await("response.output_audio_transcript.done");
			assertThat(List.of(created, started, stopped, committed, responseCreated, itemAdded, firstDelta,
					transcriptDone, done)).extracting(client::indexOf).isSorted();

			// VAD on the session's audio clock: the onset less the prefix padding, the end of speech
			assertThat(started.path("audio_start_ms").asLong()).isBetween(speech.startMs() - 300L - 10,
					speech.startMs() - 300L + 10);
			assertThat(stopped.path("audio_end_ms").asLong()).isBetween(speech.endMs() - 20L, speech.endMs() + 20L);
			assertThat(stopped.path("item_id").asString()).isEqualTo(started.path("item_id").asString())
				.isEqualTo(committed.path("item_id").asString());

			// the parrot: exactly the audio from audio_start_ms to audio_end_ms, played back
			long from = started.path("audio_start_ms").asLong();
			long to = stopped.path("audio_end_ms").asLong();
			byte[] expected = Pcm16.toBytes(samples, (int) from * 24, (int) (to - from) * 24);
			assertThat(audioOf(client)).isEqualTo(expected);
			String seconds = String.format(java.util.Locale.ROOT, "%.1f", (to - from) / 1000.0);
			assertThat(transcriptDone.path("transcript").asString()).isEqualTo("You spoke for " + seconds + " seconds.");

			assertThat(done.path("response").path("status").asString()).isEqualTo("completed");
			JsonNode usage = done.path("response").path("usage");
			assertThat(usage.path("input_token_details").path("audio_tokens").asLong()).isPositive();
			assertThat(usage.path("output_token_details").path("audio_tokens").asLong()).isEqualTo((to - from + 49) / 50);
			assertThat(client.schemaViolations()).isEmpty();

			client.close();
			Map<String, Object> transcript = await(() -> get(as(tenant.adminKey()),
					"/v1/sessions/" + sessionId + "/transcript"), (body) -> ((List<?>) body.get("items")).size() == 2);
			List<?> items = (List<?>) transcript.get("items");
			assertThat(((Map<?, ?>) items.get(0)).get("role")).isEqualTo("user");
			assertThat(((Map<?, ?>) items.get(0)).get("text")).isEqualTo("(" + seconds + " seconds of speech)");
			assertThat(((Map<?, ?>) items.get(1)).get("role")).isEqualTo("assistant");
			assertThat(((Map<?, ?>) items.get(1)).get("text")).isEqualTo("You spoke for " + seconds + " seconds.");

			Map<String, Object> session = await(() -> get(as(tenant.adminKey()), "/v1/sessions/" + sessionId),
					(body) -> "ended".equals(body.get("status")));
			assertThat(session.get("end_reason")).isEqualTo("client_closed");
			assertThat(session.get("started_at")).isNotNull();
			Map<?, ?> totals = (Map<?, ?>) session.get("usage");
			assertThat(((Number) totals.get("responses")).intValue()).isEqualTo(1);
			assertThat(((Number) totals.get("output_audio_tokens")).longValue())
				.isEqualTo(usage.path("output_token_details").path("audio_tokens").asLong());
			assertThat(((Number) totals.get("input_audio_tokens")).longValue())
				.isEqualTo(usage.path("input_token_details").path("audio_tokens").asLong());
			List<?> segments = (List<?>) session.get("segments");
			assertThat(segments).hasSize(1);
			assertThat(((Map<?, ?>) segments.get(0)).get("provider")).isEqualTo("sandbox");
			assertThat(((Map<?, ?>) segments.get(0)).get("ended_at")).isNotNull();
		}
	}

	@Test
	void userSpeakingOverTheReplyCancelsItAndKeepsOnlyWhatWasHeard() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("agent=" + agent), tenant.adminKey())) {
			String sessionId = client.await("session.created").path("session").path("id").asString();
			client.streamPcm(new SpeechLikeAudio(11).silence(300).speech(2000).silence(700).samples());
			// keep the line open (silence) until the reply has been playing for a while
			JsonNode firstDelta = client.await("response.output_audio.delta");
			client.streamPcm(new SpeechLikeAudio(12).silence(600).samples());
			client.streamPcm(new SpeechLikeAudio(13).speech(900).silence(800).samples());

			JsonNode cancelled = client.await((event) -> "response.done".equals(event.path("type").asString())
					&& "cancelled".equals(event.path("response").path("status").asString()), Duration.ofSeconds(10));
			assertThat(cancelled.path("response").path("status_details").path("reason").asString())
				.isEqualTo("turn_detected");
			JsonNode truncated = client.await("conversation.item.truncated");
			String assistantItem = firstDelta.path("item_id").asString();
			assertThat(truncated.path("item_id").asString()).isEqualTo(assistantItem);
			// about 600 ms of silence plus the VAD's onset time were heard before the user spoke up
			assertThat(truncated.path("audio_end_ms").asLong()).isBetween(400L, 1800L);
			long sentMs = audioOf(client).length / 48;
			assertThat(truncated.path("audio_end_ms").asLong()).isLessThanOrEqualTo(sentMs);
			// the interruption is a new turn, answered in its own right
			client.awaitAfter(cancelled, "response.created");
			assertThat(client.schemaViolations()).isEmpty();
			client.close();

			Map<String, Object> transcript = await(() -> get(as(tenant.adminKey()),
					"/v1/sessions/" + sessionId + "/transcript"), (body) -> ((List<?>) body.get("items")).size() >= 3);
			Map<?, ?> reply = ((List<?>) transcript.get("items")).stream()
				.map(Map.class::cast)
				.filter((item) -> assistantItem.equals(item.get("id")))
				.findFirst()
				.orElseThrow();
			assertThat(reply.get("truncated")).isEqualTo(true);
			assertThat(((Number) reply.get("truncated_at_ms")).longValue())
				.isEqualTo(truncated.path("audio_end_ms").asLong());
			String heard = reply.get("text").toString();
			assertThat("You spoke for 2.3 seconds.").startsWith(heard.replace("…", "").strip());
			assertThat(heard.replace("…", "").strip()).isNotEqualTo("You spoke for 2.3 seconds.");
		}
	}

	@Test
	void telephonyAudioInMuLawIsHeardAndAnsweredInMuLaw() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("agent=" + agent), tenant.adminKey())) {
			client.await("session.created");
			client.send("{\"type\":\"session.update\",\"session\":{\"type\":\"realtime\",\"audio\":{"
					+ "\"input\":{\"format\":{\"type\":\"audio/pcmu\"}},\"output\":{\"format\":{\"type\":\"audio/pcmu\"}}}}}");
			JsonNode updated = client.await("session.updated");
			assertThat(updated.path("session").path("audio").path("output").path("format").path("type").asString())
				.isEqualTo("audio/pcmu");
			short[] samples = new SpeechLikeAudio(21).silence(400).speech(1200).silence(800).samples();
			AudioEncoder mulaw = new AudioEncoder(AudioFormat.PCMU);
			long start = System.nanoTime();
			for (int offset = 0, n = 0; offset < samples.length; offset += 480, n++) {
				client.appendAudio(mulaw.encode(samples, offset, Math.min(480, samples.length - offset)));
				long wait = start + (n + 1) * 20_000_000L - System.nanoTime();
				if (wait > 0) {
					java.util.concurrent.locks.LockSupport.parkNanos(wait);
				}
			}
			JsonNode started = client.await("input_audio_buffer.speech_started");
			JsonNode stopped = client.await("input_audio_buffer.speech_stopped");
			client.await("response.done");
			long spokenMs = stopped.path("audio_end_ms").asLong() - started.path("audio_start_ms").asLong();
			assertThat(stopped.path("audio_end_ms").asLong()).isBetween(1580L, 1640L);
			// G.711 at 8 kHz is one byte per sample: 8 bytes per millisecond of reply
			assertThat((long) audioOf(client).length).isBetween(spokenMs * 8 - 16, spokenMs * 8 + 16);
			assertThat(client.schemaViolations()).isEmpty();
		}
	}

	/** Concatenated output audio of the first response. */
	static byte[] audioOf(RealtimeTestClient client) {
		ByteArrayOutputStream audio = new ByteArrayOutputStream();
		for (JsonNode event : client.received()) {
			if ("response.output_audio.delta".equals(event.path("type").asString())) {
				audio.writeBytes(Base64.getDecoder().decode(event.path("delta").asString()));
			}
			if ("response.done".equals(event.path("type").asString())) {
				break;
			}
		}
		return audio.toByteArray();
	}

	URI socket(String query) {
		return URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?" + query);
	}

	/** Polls until {@code done} holds: session writes land shortly after the socket closes. */
	static Map<String, Object> await(java.util.function.Supplier<Map<String, Object>> read,
			java.util.function.Predicate<Map<String, Object>> done) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		Map<String, Object> last = read.get();
		while (!done.test(last) && System.nanoTime() < deadline) {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			last = read.get();
		}
		return last;
	}

}

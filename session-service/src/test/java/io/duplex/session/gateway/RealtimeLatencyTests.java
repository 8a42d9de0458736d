package io.duplex.session.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.duplex.session.SessionTestSupport;
import io.duplex.session.audio.SpeechLikeAudio;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each response's latency, measured by the gateway on a real socket with a client streaming at
 * real-time pace: stored per response, summarised on {@code /v1/sessions/{id}/latency}, and
 * exported as histograms per provider and model.
 */
class RealtimeLatencyTests extends SessionTestSupport {

	@Autowired
	private MeterRegistry meters;

	/** The sandbox's default delay before its first delta. */
	private static final long MODEL_DELAY_MS = 300;

	/** Server VAD's default silence before a turn ends. */
	private static final long SILENCE_MS = 500;

	@Test
	void voiceTurnsThenEachResponseHasItsVoiceToVoiceAndFirstByteFigures() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String sessionId;
		List<String> answered;
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("model=" + agent), tenant.adminKey())) {
			sessionId = client.await("session.created").path("session").path("id").asString();
			client.streamPcm(new SpeechLikeAudio(21).silence(400).speech(1200).silence(1800).samples());
			JsonNode first = client.await((event) -> "response.done".equals(event.path("type").asString()),
					Duration.ofSeconds(15));
			client.streamPcm(new SpeechLikeAudio(22).speech(900).silence(1800).samples());
			JsonNode second = client.awaitAfter(first, "response.done");
			answered = List.of(first.path("response").path("id").asString(),
					second.path("response").path("id").asString());
			assertThat(client.schemaViolations()).isEmpty();
		}

		Map<String, Object> report = RealtimeVoiceTests.await(
				() -> get(as(tenant.adminKey()), "/v1/sessions/" + sessionId + "/latency"),
				(body) -> ((List<?>) body.get("data")).size() == 2);
		assertThat(report.get("session")).isEqualTo(sessionId);
		List<?> data = (List<?>) report.get("data");
		assertThat(data.stream().map((entry) -> (Object) ((Map<?, ?>) entry).get("response_id")).toList())
			.isEqualTo(answered);
		for (Object each : data) {
			Map<?, ?> entry = (Map<?, ?>) each;
			assertThat(entry.get("status")).isEqualTo("completed");
			assertThat(entry.get("segment")).isEqualTo(1);
			assertThat((String) entry.get("user_item_id")).startsWith("item_");
			// the user waits for the end-of-turn silence and the model's delay, and the gateway adds little
			assertThat(((Number) entry.get("voice_to_voice_ms")).longValue()).isBetween(SILENCE_MS + MODEL_DELAY_MS - 30,
					SILENCE_MS + MODEL_DELAY_MS + 700);
			assertThat(((Number) entry.get("provider_first_byte_ms")).longValue()).isBetween(MODEL_DELAY_MS - 5,
					MODEL_DELAY_MS + 500);
			assertThat(((Number) entry.get("first_audio_ms")).longValue())
				.isGreaterThanOrEqualTo(((Number) entry.get("provider_first_byte_ms")).longValue());
			assertThat(entry.get("stt_ms")).isNull();
		}
		Map<?, ?> summary = (Map<?, ?>) report.get("summary");
		assertThat(summary.get("responses")).isEqualTo(2);
		Map<?, ?> voiceToVoice = (Map<?, ?>) summary.get("voice_to_voice_ms");
		assertThat(voiceToVoice.get("count")).isEqualTo(2);
		int p50 = ((Number) voiceToVoice.get("p50")).intValue();
		int max = ((Number) voiceToVoice.get("max")).intValue();
		assertThat(data.stream().map((entry) -> ((Number) ((Map<?, ?>) entry).get("voice_to_voice_ms")).intValue()))
			.contains(p50, max);
		assertThat(p50).isLessThanOrEqualTo(max);
		assertThat(summary.get("tts_first_byte_ms")).isNull();
		// the same summary on the session resource
		Map<String, Object> session = get(as(tenant.adminKey()), "/v1/sessions/" + sessionId);
		assertThat(session.get("latency")).isEqualTo(summary);

		Timer voiceToVoiceTimer = this.meters.find("duplex.response.voice_to_voice")
			.tag("provider", "sandbox")
			.tag("model", "sandbox")
			.timer();
		assertThat(voiceToVoiceTimer).isNotNull();
		assertThat(voiceToVoiceTimer.count()).isGreaterThanOrEqualTo(2);
		// the same figures as stored: each at least the silence and the model's delay
		assertThat(voiceToVoiceTimer.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(SILENCE_MS + MODEL_DELAY_MS - 30);
		assertThat(this.meters.find("duplex.response.provider_first_byte").tag("provider", "sandbox").timer())
			.isNotNull();
	}

	@Test
	void latencyWhenAnotherTenantsOrUnknownSessionThenNotFound() {
		TestTenant owner = newTenant();
		String agent = newAgent(owner.adminKey());
		String sessionId;
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("model=" + agent), owner.adminKey())) {
			sessionId = client.await("session.created").path("session").path("id").asString();
		}
		Map<String, Object> empty = get(as(owner.adminKey()), "/v1/sessions/" + sessionId + "/latency");
		assertThat((List<?>) empty.get("data")).isEmpty();
		assertThat(((Map<?, ?>) empty.get("summary")).get("voice_to_voice_ms")).isNull();

		TestTenant other = newTenant();
		as(other.adminKey()).get()
			.uri("/v1/sessions/" + sessionId + "/latency")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.type")
			.value((type) -> assertThat((String) type).endsWith("/not-found"));
		as(owner.adminKey()).get().uri("/v1/sessions/sess_unknown/latency").exchange().expectStatus().isNotFound();
	}

	private java.net.URI socket(String query) {
		return java.net.URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?" + query);
	}

}

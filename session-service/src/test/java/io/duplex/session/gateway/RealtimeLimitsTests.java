package io.duplex.session.gateway;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import io.duplex.session.SessionTestSupport;
import io.duplex.session.audio.SpeechLikeAudio;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Abuse limits end the session with a clear error and a proper close code; limits are set low
 * here so each can be reached in a test.
 */
@TestPropertySource(properties = { "duplex.sessions.events-per-second=40", "duplex.sessions.event-burst=60",
		"duplex.sessions.audio-ahead=3s", "duplex.sessions.idle-timeout=3s", "duplex.sessions.max-duration=6s",
		"duplex.sessions.expiring-warning=3s" })
class RealtimeLimitsTests extends SessionTestSupport {

	@Test
	void tooManyEventsPerSecondThenRateLimitErrorAndPolicyViolationClose() {
		try (RealtimeTestClient client = connect()) {
			client.await("session.created");
			for (int i = 0; i < 200 && client.trySend("{\"type\":\"input_audio_buffer.clear\"}"); i++) {
				// the server cuts the flood off
			}
			assertEnded(client, "rate_limit_exceeded", 1008);
		}
	}

	@Test
	void audioFarFasterThanRealTimeThenTheSessionEndsButAShortBurstIsFine() {
		try (RealtimeTestClient client = connect()) {
			client.await("session.created");
			short[] second = new SpeechLikeAudio(5).silence(1000).samples();
			// two seconds of recorded audio at once stays within the allowance
			client.appendAudio(io.duplex.session.audio.Pcm16.toBytes(second));
			client.appendAudio(io.duplex.session.audio.Pcm16.toBytes(second));
			client.send("{\"type\":\"input_audio_buffer.clear\"}");
			client.await("input_audio_buffer.cleared");
			for (int i = 0; i < 10 && client.tryAppendAudio(io.duplex.session.audio.Pcm16.toBytes(second)); i++) {
				// the server ends the session once the audio runs 3 s ahead
			}
			assertEnded(client, "audio_too_fast", 1008);
		}
	}

	@Test
	void noEventForTheIdleTimeoutThenTheSessionEnds() {
		try (RealtimeTestClient client = connect()) {
			client.await("session.created");
			assertEnded(client, "idle_timeout", 1000);
		}
	}

	@Test
	void sessionOlderThanTheMaximumDurationEndsWithSessionExpired() {
		try (RealtimeTestClient client = connect()) {
			client.await("session.created");
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (!client.isClosed() && System.nanoTime() < deadline) {
				// stay active so the idle timeout does not come first
				client.trySend("{\"type\":\"input_audio_buffer.clear\"}");
				sleep(500);
			}
			JsonNode expiring = client.await("duplex.session.expiring");
			assertThat(expiring.path("reason").asString()).isEqualTo("max_duration");
			assertThat(expiring.path("seconds_left").asLong()).isBetween(1L, 3L);
			assertEnded(client, "session_expired", 1001);
		}
	}

	private RealtimeTestClient connect() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		return RealtimeTestClient.connect(URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?agent=" + agent),
				tenant.adminKey());
	}

	private static void assertEnded(RealtimeTestClient client, String code, int closeCode) {
		JsonNode error = client.await((event) -> "error".equals(event.path("type").asString())
				&& code.equals(event.path("error").path("code").asString()), Duration.ofSeconds(15));
		assertThat(error.path("error").path("message").asString()).isNotBlank();
		assertThat(client.awaitClose(Duration.ofSeconds(10))).isEqualTo(closeCode);
		assertThat(client.schemaViolations()).isEmpty();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

package io.duplex.session.sandbox;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import io.duplex.session.SessionTestSupport;
import io.duplex.session.gateway.RealtimeTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox bills a response cut by the end of its session as the real models do: the session's
 * end cancels it, the sandbox reports what it sent up to the cancel (input included, at the model's
 * rates), and that is what the ledger and the session's totals hold.
 */
class SandboxAbandonedResponseTests extends SessionTestSupport {

	@Autowired
	private DatabaseClient db;

	@Test
	void clientCloseWhenTheSandboxIsAnsweringThenWhatItSentIsBilled() {
		TestTenant tenant = newTenant();
		URI uri = URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?agent=" + newAgent(tenant.adminKey()));
		String sessionId;
		try (RealtimeTestClient client = RealtimeTestClient.connect(uri, tenant.adminKey())) {
			sessionId = client.await("session.created").path("session").path("id").stringValue();
			client.send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
					+ "\"content\":[{\"type\":\"input_text\",\"text\":\"" + "Please read this long sentence back to me "
						.repeat(8) + "\"}]}}");
			client.send("{\"type\":\"response.create\"}");
			// the sandbox speaks at real-time pace: three deltas in, most of the answer is still to come
			int[] seen = { 0 };
			client.await((event) -> "response.output_audio.delta".equals(event.path("type").stringValue(""))
					&& ++seen[0] >= 3, Duration.ofSeconds(15));
		}
		Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> "ended".equals(row(sessionId).get("status")));
		Map<String, Object> row = row(sessionId);
		assertThat(row.get("responses")).isEqualTo(1);
		long audioOut = ((Number) row.get("output_audio_tokens")).longValue();
		// at least the three deltas heard, far less than the whole answer (some 20 s of speech)
		assertThat(audioOut).isPositive().isLessThan(200);
		// the sandbox's own figures: what it read is billed too, which an estimate would not do
		assertThat(((Number) row.get("input_text_tokens")).longValue()).isPositive();
		long total = ((Number) row.get("input_text_tokens")).longValue()
				+ ((Number) row.get("input_audio_tokens")).longValue()
				+ ((Number) row.get("output_text_tokens")).longValue() + audioOut;
		BigDecimal ledger = this.db
			.sql("SELECT coalesce(sum(quantity), 0) AS tokens FROM billing.usage_event WHERE session_id = :id "
					+ "AND metric LIKE '%\\_tokens'")
			.bind("id", sessionId)
			.map((result) -> result.get("tokens", BigDecimal.class))
			.one()
			.block(Duration.ofSeconds(10));
		assertThat(ledger.longValue()).isEqualTo(total);
	}

	private Map<String, Object> row(String sessionId) {
		return this.db
			.sql("SELECT status, responses, input_text_tokens, input_audio_tokens, output_text_tokens, "
					+ "output_audio_tokens FROM realtime.session WHERE id = :id")
			.bind("id", sessionId)
			.fetch()
			.one()
			.block(Duration.ofSeconds(10));
	}

}

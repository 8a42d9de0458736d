package io.duplex.session.protocol;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A configuration stored as a {@code session.update} reads back, through the client's decoder, as
 * the same configuration, over whatever the session would start from otherwise.
 */
class SessionUpdatesTests {

	private final JsonMapper json = JsonMapper.builder().build();

	private final SessionUpdates updates = new SessionUpdates(this.json);

	private final ClientEventDecoder decoder = new ClientEventDecoder(this.json);

	@Test
	void storedConfigurationWhenReadBackOverTheAgentsThenItIsTheSame() {
		// an agent's configuration sets no include, prompt or reasoning: like these defaults
		SessionConfig agent = TestSessions.realtimeDefaults();
		for (SessionConfig stored : List.of(TestSessions.realtimeDefaults(), TestSessions.telephony())) {
			assertThat(restore(stored, agent)).isEqualTo(stored);
		}
	}

	@Test
	void settingsTheClientTurnedOffWhenReadBackThenTheyStayOff() {
		// the phone agent transcribes and reduces noise; the stored configuration does neither
		SessionConfig restored = restore(TestSessions.realtimeDefaults(), TestSessions.telephony());
		SessionConfig stored = TestSessions.realtimeDefaults();
		assertThat(restored.input()).isEqualTo(stored.input());
		assertThat(restored.input().transcription().isCleared()).isTrue();
		assertThat(restored.input().noiseReduction().isCleared()).isTrue();
		assertThat(restored.output()).isEqualTo(stored.output());
		assertThat(restored.tools()).isEqualTo(stored.tools());
		assertThat(restored.toolChoice()).isEqualTo(stored.toolChoice());
		assertThat(restored.instructions()).isEqualTo(stored.instructions());
		assertThat(restored.maxOutputTokens()).isEqualTo(stored.maxOutputTokens());
		assertThat(restored.truncation()).isEqualTo(stored.truncation());
		assertThat(restored.tracing()).isEqualTo(stored.tracing());
	}

	private SessionConfig restore(SessionConfig stored, SessionConfig base) {
		Decoded decoded = this.decoder.decode(this.updates.write(stored));
		assertThat(decoded).isInstanceOf(ClientEvent.SessionUpdate.class);
		return base.withUpdate(((ClientEvent.SessionUpdate) decoded).session());
	}

}

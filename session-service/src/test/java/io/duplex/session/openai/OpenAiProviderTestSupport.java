package io.duplex.session.openai;

import org.junit.jupiter.api.AfterEach;

import io.duplex.session.provider.ProviderSession;
import io.duplex.session.testing.ProviderSessions;
import io.duplex.session.testing.RecordingListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fake OpenAI Realtime server for each test of the openai provider, a listener that records what
 * the provider reports, and after each test the check that every event either side sent follows
 * the official schema.
 */
abstract class OpenAiProviderTestSupport {

	final FakeOpenAiRealtime fake = FakeOpenAiRealtime.start();

	final RecordingListener recorder = new RecordingListener();

	@AfterEach
	void everyEventIsSchemaValid() {
		try {
			assertThat(this.fake.clientViolations).as("client events the provider sent").isEmpty();
			assertThat(this.fake.serverViolations).as("server events the fake sent").isEmpty();
		}
		finally {
			this.fake.close();
		}
	}

	/** A session with the default settings, on the fake, reporting to {@link #recorder}. */
	ProviderSession open() {
		return ProviderSessions.open(TestOpenAi.provider(this.fake), TestOpenAi.settings(), this.recorder);
	}

}

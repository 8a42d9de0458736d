package io.duplex.session.openai;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.duplex.session.testing.ProviderSessions;
import io.duplex.session.provider.ProviderEvent.AudioDelta;
import io.duplex.session.provider.ProviderEvent.Failed;
import io.duplex.session.provider.ProviderEvent.InputTranscribed;
import io.duplex.session.provider.ProviderEvent.ResponseDone;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.TokenUsage;

import static org.assertj.core.api.Assertions.assertThat;

/** The openai provider when the upstream errs, expires, drops, refuses or is briefly unavailable. */
class OpenAiProviderFailureTests extends OpenAiProviderTestSupport {

	@Test
	void errorWhenUpstreamReportsOneThenRelayedWithItsCodeAndSessionGoesOn() {
		ProviderSession session = open();
		this.fake.connection().error("rate_limit_exceeded", "Slow down.");
		assertThat(this.recorder.await(Failed.class, 1))
			.isEqualTo(new Failed("rate_limit_exceeded", "Slow down.", false, "invalid_request_error", null));
		session.createResponse(TestOpenAi.audio("resp_after", List.of()));
		assertThat(this.recorder.await(ResponseDone.class, 1).status()).isEqualTo("completed");
		session.close();
	}

	@Test
	void errorWhenUpstreamBlamesAMemberThenTypeAndParamAreRelayedToo() {
		ProviderSession session = open();
		this.fake.connection().error("server_error", "server_error", "The server had an error.", null);
		this.fake.connection().error("invalid_request_error", "invalid_value", "Invalid value: 'x'.",
				"session.audio.output.voice");
		assertThat(this.recorder.await(Failed.class, 2)).isEqualTo(new Failed("invalid_value", "Invalid value: 'x'.",
				false, "invalid_request_error", "session.audio.output.voice"));
		assertThat(this.recorder.all(Failed.class).get(0))
			.isEqualTo(new Failed("server_error", "The server had an error.", false));
		session.close();
	}

	@Test
	void commitWhenUpstreamRefusesItThenRelayedAndLaterTurnsKeepTheirIds() {
		ProviderSession session = open();
		ProviderSessions.append(session, ProviderSessions.speech(40));
		session.commitInput("item_short", 0, 40);
		assertThat(this.recorder.await(Failed.class, 1).code()).isEqualTo("input_audio_buffer_commit_empty");
		assertThat(this.recorder.await(InputTranscribed.class, 1)).isEqualTo(new InputTranscribed("item_short", ""));
		ProviderSessions.append(session, ProviderSessions.speech(400));
		session.commitInput("item_long", 40, 440);
		assertThat(this.recorder.await(InputTranscribed.class, 2))
			.isEqualTo(new InputTranscribed("item_long", FakeOpenAiRealtime.HEARD));
		session.close();
	}

	@Test
	void createResponseWhenUpstreamRefusesItThenRelaysErrorAndEndsTheResponse() {
		this.fake.mode = FakeOpenAiRealtime.Mode.HOLD;
		ProviderSession session = open();
		session.createResponse(TestOpenAi.audio("resp_1", List.of()));
		this.recorder.await(AudioDelta.class, 1);
		session.createResponse(TestOpenAi.audio("resp_2", List.of()));
		assertThat(this.recorder.await(Failed.class, 1).code()).isEqualTo("conversation_already_has_active_response");
		assertThat(this.recorder.await(ResponseDone.class, 1))
			.isEqualTo(new ResponseDone("resp_2", "failed", TokenUsage.NONE));
		session.cancelResponse();
		assertThat(this.recorder.await(ResponseDone.class, 2).responseId()).isEqualTo("resp_1");
		session.close();
	}

	@Test
	void firstByteWhenUpstreamProducesNothingInTimeThenResponseFailsAndTheUpstreamOneIsCancelled() {
		this.fake.mode = FakeOpenAiRealtime.Mode.STALL;
		OpenAiProperties properties = new OpenAiProperties(URI.create(this.fake.baseUrl()), FakeOpenAiRealtime.KEY,
				Duration.ofSeconds(2), null, null, "gpt-4o-mini-transcribe", null, Duration.ofMillis(300));
		ProviderSession session = ProviderSessions.open(TestOpenAi.provider(properties), TestOpenAi.settings(),
				this.recorder);
		session.createResponse(TestOpenAi.audio("resp_stalled", List.of()));
		assertThat(this.recorder.await(ResponseDone.class, 1))
			.isEqualTo(new ResponseDone("resp_stalled", "failed", TokenUsage.NONE));
		assertThat(this.recorder.all(Failed.class)).extracting(Failed::code, Failed::fatal)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("upstream_timeout", false));
		Awaitility.await().atMost(TestOpenAi.WAIT).until(() -> !this.fake.received("response.cancel").isEmpty());
		// the upstream's cancelled response does not reach the engine again, and the session goes on
		this.fake.mode = FakeOpenAiRealtime.Mode.SPEAK;
		session.createResponse(TestOpenAi.audio("resp_next", List.of()));
		assertThat(this.recorder.await(ResponseDone.class, 2).responseId()).isEqualTo("resp_next");
		assertThat(this.recorder.all(ResponseDone.class)).hasSize(2);
		assertThat(this.recorder.all(Failed.class)).hasSize(1);
		session.close();
	}

	@Test
	void sessionExpiredWhenMaximumDurationReachedThenOneFatalFailure() {
		this.fake.maxDuration = Duration.ofMillis(300);
		open();
		Failed failed = this.recorder.await(Failed.class, 1);
		assertThat(failed.code()).isEqualTo("session_expired");
		assertThat(failed.fatal()).isTrue();
		// the close 1001 that follows is not reported again
		Awaitility.await().pollDelay(Duration.ofMillis(300)).atMost(TestOpenAi.WAIT).until(() -> true);
		assertThat(this.recorder.all(Failed.class)).hasSize(1);
	}

	@Test
	void connectionLostWhenUpstreamDropsThenFatalFailure() {
		open();
		this.fake.connection().drop();
		Failed failed = this.recorder.await(Failed.class, 1);
		assertThat(failed.code()).isEqualTo("upstream_closed");
		assertThat(failed.fatal()).isTrue();
	}

	@Test
	void closeWhenEngineClosesThenNoEventFollows() {
		ProviderSession session = open();
		session.close();
		Awaitility.await().pollDelay(Duration.ofMillis(200)).atMost(TestOpenAi.WAIT).until(() -> true);
		assertThat(this.recorder.events()).isEmpty();
	}

	@Test
	void openWhenUpstreamRefusesKeyThenErrorsWithoutRetryOrKeyInMessage() {
		OpenAiProvider provider = TestOpenAi.provider(TestOpenAi.properties(this.fake, "sk-wrong-secret"));
		StepVerifier.create(provider.open(TestOpenAi.settings(), this.recorder))
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(WebSocketClientHandshakeException.class);
				assertThat(error.getMessage()).doesNotContain("sk-wrong-secret");
			})
			.verify(TestOpenAi.WAIT);
		assertThat(this.fake.handshakes.get()).isEqualTo(1);
	}

	@Test
	void openWhenUpstreamBrieflyUnavailableThenRetriesTwice() {
		this.fake.unavailable = 2;
		open().close();
		assertThat(this.fake.handshakes.get()).isEqualTo(3);
	}

	@Test
	void openWhenUpstreamStaysUnavailableThenErrorsAfterTwoRetries() {
		this.fake.unavailable = 3;
		StepVerifier.create(TestOpenAi.provider(this.fake).open(TestOpenAi.settings(), this.recorder))
			.expectError(WebSocketClientHandshakeException.class)
			.verify(TestOpenAi.WAIT);
		assertThat(this.fake.handshakes.get()).isEqualTo(3);
	}

	@Test
	void openWhenNothingListensThenErrors() {
		OpenAiProperties properties = new OpenAiProperties(URI.create("ws://127.0.0.1:1/v1/realtime"), "k",
				Duration.ofMillis(500), null, null, "gpt-4o-mini-transcribe", null, Duration.ofSeconds(2));
		StepVerifier.create(TestOpenAi.provider(properties).open(TestOpenAi.settings(), this.recorder))
			.expectError()
			.verify(TestOpenAi.WAIT);
	}

}

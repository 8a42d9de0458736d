package io.duplex.session.cascade;

import java.time.Duration;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.duplex.core.catalog.Endpoint;
import io.duplex.session.testing.ProviderSessions;
import io.duplex.session.testing.RecordingListener;
import io.duplex.session.provider.BreakerProperties;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderEvent.AudioDelta;
import io.duplex.session.provider.ProviderEvent.Failed;
import io.duplex.session.provider.ProviderEvent.InputTranscribed;
import io.duplex.session.provider.ProviderEvent.ResponseDone;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderUnavailableException;
import io.duplex.session.provider.UpstreamBreakers;
import io.duplex.session.testing.TestPorts;

import static org.assertj.core.api.Assertions.assertThat;

/** The cascade provider when it is interrupted, or its upstreams err, drop, refuse or stay down. */
class CascadeFailureTests {

	private static final List<ContextItem> HELLO = List.of(ContextItem.message("item_1", "user", "Hi", 0));

	private final FakeOpenAiCompatible fake = FakeOpenAiCompatible.start();

	private final RecordingListener recorder = new RecordingListener();

	@AfterEach
	void stopFake() {
		this.fake.close();
	}

	@Test
	void cancelWhenAnswerIsStreamingThenChatAndSpeechConnectionsAreClosedAtOnce() {
		this.fake.chat = FakeOpenAiCompatible.Chat.HOLD;
		this.fake.holdSpeech = true;
		ProviderSession session = open();
		session.createResponse(TestCascade.audio("resp_1", HELLO));
		this.recorder.await(AudioDelta.class, 1);
		assertThat(this.fake.aborted).isEmpty();
		session.cancelResponse();
		assertThat(this.recorder.all(ResponseDone.class)).extracting(ResponseDone::status).containsExactly("cancelled");
		Awaitility.await()
			.atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> assertThat(this.fake.aborted).containsExactlyInAnyOrder("/chat/completions",
					Speech.PATH));
		// nothing of the cancelled response follows its end
		int events = this.recorder.events().size();
		Awaitility.await().pollDelay(Duration.ofMillis(200)).atMost(TestCascade.WAIT).until(() -> true);
		assertThat(this.recorder.events()).hasSize(events);
		session.close();
	}

	@Test
	void createResponseWhenOneIsStreamingThenTheFirstIsCancelledAndItsStreamsClosed() {
		this.fake.chat = FakeOpenAiCompatible.Chat.HOLD;
		ProviderSession session = open();
		session.createResponse(TestCascade.text("resp_1", HELLO));
		Awaitility.await().atMost(TestCascade.WAIT).until(() -> !this.fake.received("/chat/completions").isEmpty());
		this.fake.chat = FakeOpenAiCompatible.Chat.SPEAK;
		session.createResponse(TestCascade.text("resp_2", HELLO));
		assertThat(this.recorder.await(ResponseDone.class, 2).status()).isEqualTo("completed");
		assertThat(this.recorder.all(ResponseDone.class).get(0)).extracting(ResponseDone::responseId, ResponseDone::status)
			.containsExactly("resp_1", "cancelled");
		Awaitility.await()
			.atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> assertThat(this.fake.aborted).containsExactly("/chat/completions"));
		session.close();
	}

	@Test
	void errorWhenChatModelRefusesThenRelayedWithItsCodeAndTheResponseFailsButTheSessionGoesOn() {
		this.fake.chat = FakeOpenAiCompatible.Chat.RATE_LIMITED;
		ProviderSession session = open();
		session.createResponse(TestCascade.audio("resp_1", HELLO));
		assertThat(this.recorder.await(ResponseDone.class, 1).status()).isEqualTo("failed");
		assertThat(this.recorder.all(Failed.class)).containsExactly(new Failed("rate_limit_exceeded",
				"Rate limit reached for requests.", false, "requests", null));
		this.fake.chat = FakeOpenAiCompatible.Chat.SPEAK;
		session.createResponse(TestCascade.audio("resp_2", HELLO));
		assertThat(this.recorder.await(ResponseDone.class, 2).status()).isEqualTo("completed");
		session.close();
	}

	@Test
	void dropWhenChatConnectionIsLostMidAnswerThenUpstreamClosedAndTheResponseFails() {
		this.fake.chat = FakeOpenAiCompatible.Chat.DROP;
		ProviderSession session = open();
		session.createResponse(TestCascade.audio("resp_1", HELLO));
		ResponseDone done = this.recorder.await(ResponseDone.class, 1);
		assertThat(done.status()).isEqualTo("failed");
		Failed failed = this.recorder.all(Failed.class).get(0);
		assertThat(failed.code()).isEqualTo("upstream_closed");
		assertThat(failed.fatal()).isFalse();
		assertThat(this.fake.received("/chat/completions")).hasSize(1);
		session.close();
	}

	@Test
	void firstByteWhenChatModelTakesTooLongThenUpstreamTimeoutAndTheResponseFails() {
		this.fake.firstTokenDelay = Duration.ofSeconds(2);
		CascadeProvider provider = TestCascade.provider(
				TestCascade.properties(this.fake, FakeOpenAiCompatible.KEY, Duration.ofMillis(300)),
				new TestPorts.Catalog(), new TestPorts.Credentials(), TestPorts.breakers());
		ProviderSession session = ProviderSessions.open(provider, TestCascade.settings(true), this.recorder);
		long start = System.nanoTime();
		session.createResponse(TestCascade.audio("resp_1", HELLO));
		assertThat(this.recorder.await(ResponseDone.class, 1).status()).isEqualTo("failed");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		assertThat(this.recorder.all(Failed.class)).extracting(Failed::code).containsExactly("upstream_timeout");
		// the request was sent once: a timeout is not a failed connect, so it is not retried
		assertThat(this.fake.received("/chat/completions")).hasSize(1);
		session.close();
	}

	@Test
	void transcriptionWhenItFailsThenRelayedAndTheTurnIsNotAnswered() {
		ProviderSession session = TestCascade.provider(TestCascade.properties(this.fake, "sk-wrong-key"),
				new TestPorts.Catalog(), new TestPorts.Credentials(), TestPorts.breakers())
			.open(TestCascade.settings(true), this.recorder)
			.block(TestCascade.WAIT);
		ProviderSessions.append(session, ProviderSessions.speech(200));
		session.commitInput("item_user1", 0, 200);
		assertThat(this.recorder.await(InputTranscribed.class, 1)).isEqualTo(new InputTranscribed("item_user1", ""));
		Failed failed = this.recorder.await(Failed.class, 1);
		assertThat(failed.code()).isEqualTo("invalid_api_key");
		assertThat(failed.type()).isEqualTo("invalid_request_error");
		assertThat(failed.message()).doesNotContain("sk-wrong-key");
		// a response to that turn has nothing to answer: it fails without asking the chat model
		session.createResponse(TestCascade.audio("resp_1", TestCascade.turn("item_user1", 200)));
		assertThat(this.recorder.await(ResponseDone.class, 1).status()).isEqualTo("failed");
		assertThat(this.recorder.all(Failed.class)).hasSize(1);
		assertThat(this.fake.received("/chat/completions")).isEmpty();
		session.close();
	}

	@Test
	void openWhenNothingListensThenSessionOpensAndTheTurnFailsAfterConnectRetriesOnly() {
		this.fake.close();
		ProviderSession session = open();
		session.createResponse(TestCascade.audio("resp_1", HELLO));
		assertThat(this.recorder.await(ResponseDone.class, 1).status()).isEqualTo("failed");
		assertThat(this.recorder.all(Failed.class).get(0).code()).isEqualTo("upstream_unreachable");
	}

	@Test
	void breakerWhenEndpointKeepsFailingThenNewSessionsFailFastAndItClosesWhenTheEndpointRecovers() {
		UpstreamBreakers breakers = new UpstreamBreakers(new BreakerProperties(50, 2, 2, Duration.ofMillis(400), 1));
		CascadeProvider provider = TestCascade.provider(TestCascade.properties(this.fake, FakeOpenAiCompatible.KEY),
				new TestPorts.Catalog(), new TestPorts.Credentials(), breakers);
		CircuitBreaker chat = breakers.breaker(CascadeProvider.NAME, new Endpoint(this.fake.baseUrl(), null, null, null));
		this.fake.chat = FakeOpenAiCompatible.Chat.UNAVAILABLE;
		ProviderSession session = ProviderSessions.open(provider, TestCascade.settings(true), this.recorder);
		session.createResponse(TestCascade.text("resp_1", HELLO));
		this.recorder.await(ResponseDone.class, 1);
		session.createResponse(TestCascade.text("resp_2", HELLO));
		this.recorder.await(ResponseDone.class, 2);
		assertThat(this.recorder.all(Failed.class)).extracting(Failed::code).containsExactly("server_error", "server_error");
		assertThat(chat.getState()).isEqualTo(CircuitBreaker.State.OPEN);

		// open: a new session is refused at once, and a running one's next answer fails without a request
		int requests = this.fake.received.size();
		StepVerifier.create(provider.open(TestCascade.settings(true), new RecordingListener()))
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(ProviderUnavailableException.class);
				assertThat(((ProviderUnavailableException) error).getBody().getType().toString())
					.isEqualTo("https://duplex.dev/problems/model-unavailable");
			})
			.verify(Duration.ofMillis(200));
		session.createResponse(TestCascade.text("resp_3", HELLO));
		assertThat(this.recorder.await(ResponseDone.class, 3).status()).isEqualTo("failed");
		assertThat(this.recorder.all(Failed.class).get(2).code()).isEqualTo(ProviderUnavailableException.CODE);
		assertThat(this.fake.received).hasSize(requests);

		// after the wait one trial call goes through; it succeeds, so the breaker closes
		this.fake.chat = FakeOpenAiCompatible.Chat.SPEAK;
		Awaitility.await().pollDelay(Duration.ofMillis(450)).atMost(TestCascade.WAIT).until(() -> true);
		ProviderSession recovered = ProviderSessions.open(provider, TestCascade.settings(true), this.recorder);
		recovered.createResponse(TestCascade.text("resp_4", HELLO));
		assertThat(this.recorder.await(ResponseDone.class, 4).status()).isEqualTo("completed");
		assertThat(chat.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		session.close();
		recovered.close();
	}

	@Test
	void breakerWhenUpstreamRefusesAWrongKeyThenItStaysClosed() {
		UpstreamBreakers breakers = new UpstreamBreakers(new BreakerProperties(50, 2, 2, Duration.ofSeconds(30), 1));
		CascadeProvider provider = TestCascade.provider(TestCascade.properties(this.fake, "sk-wrong-key"),
				new TestPorts.Catalog(), new TestPorts.Credentials(), breakers);
		ProviderSession session = ProviderSessions.open(provider, TestCascade.settings(true), this.recorder);
		for (int i = 1; i <= 3; i++) {
			session.createResponse(TestCascade.text("resp_" + i, HELLO));
			this.recorder.await(ResponseDone.class, i);
		}
		assertThat(this.recorder.all(Failed.class)).extracting(Failed::code).containsOnly("invalid_api_key");
		assertThat(breakers.breaker(CascadeProvider.NAME, new Endpoint(this.fake.baseUrl(), null, null, null)).getState())
			.isEqualTo(CircuitBreaker.State.CLOSED);
		session.close();
	}

	private ProviderSession open() {
		return ProviderSessions.open(TestCascade.provider(this.fake), TestCascade.settings(true), this.recorder);
	}

}

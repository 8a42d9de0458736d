package io.duplex.session.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderEvent.AudioDelta;
import io.duplex.session.provider.ProviderEvent.OutputItemDone;
import io.duplex.session.provider.ProviderEvent.OutputItemStarted;
import io.duplex.session.provider.ProviderEvent.ResponseDone;
import io.duplex.session.provider.ProviderEvent.TextDelta;
import io.duplex.session.provider.ProviderEvent.TranscriptDelta;
import io.duplex.session.provider.TokenUsage;
import reactor.test.scheduler.VirtualTimeScheduler;

import static io.duplex.session.sandbox.TestSandbox.AUDIO;
import static io.duplex.session.sandbox.TestSandbox.TEXT;
import static io.duplex.session.sandbox.TestSandbox.audioTurn;
import static io.duplex.session.sandbox.TestSandbox.response;
import static io.duplex.session.sandbox.TestSandbox.speech;
import static io.duplex.session.sandbox.TestSandbox.userText;
import static org.assertj.core.api.Assertions.assertThat;

/** Cancelling, replacing and closing, and the same events for the same inputs. */
class SandboxLifecycleTests {

	@Test
	void cancelResponseWhenMidResponseThenStopsAndReportsWhatWasSent() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.speak("item_1", speech(7, 2400));
		sandbox.events.clear();
		sandbox.session.createResponse(response("resp_1", AUDIO, List.of(audioTurn("item_1", 2400))));
		sandbox.advance(550);
		assertThat(sandbox.all(AudioDelta.class)).hasSize(3);
		sandbox.session.cancelResponse();
		int sent = sandbox.events.size();
		sandbox.advance(10_000);
		assertThat(sandbox.events).hasSize(sent);
		assertThat(sandbox.all(OutputItemDone.class)).isEmpty();
		assertThat(sandbox.all().getLast()).isInstanceOf(ResponseDone.class);
		ResponseDone done = sandbox.done();
		assertThat(done.status()).isEqualTo("cancelled");
		// 300 ms of audio at 20 tokens a second; the transcript's first word, "You"
		assertThat(done.usage()).isEqualTo(new TokenUsage(3, 24, 0, 0, 1, 6));
	}

	@Test
	void cancelResponseWhileThinkingThenReportsNoOutput() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.createResponse(response("resp_1", TEXT, List.of(userText("item_1", "hello world"))));
		sandbox.advance(200);
		sandbox.session.cancelResponse();
		sandbox.advance(10_000);
		assertThat(sandbox.all()).containsExactly(new ResponseDone("resp_1", "cancelled", new TokenUsage(5, 0, 0, 0, 0, 0)));
	}

	@Test
	void cancelResponseWhenNothingIsInFlightThenSaysNothing() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.cancelResponse();
		assertThat(sandbox.events).isEmpty();
		sandbox.session.createResponse(response("resp_1", TEXT, List.of(userText("item_1", "hello"))));
		sandbox.advance(10_000);
		int events = sandbox.events.size();
		sandbox.session.cancelResponse();
		assertThat(sandbox.events).hasSize(events);
		assertThat(sandbox.done().status()).isEqualTo("completed");
	}

	@Test
	void createResponseWhenOneIsInFlightThenCancelsItFirst() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.createResponse(response("resp_1", TEXT, List.of(userText("item_1", "one two three four"))));
		sandbox.advance(320);
		sandbox.session.createResponse(response("resp_2", TEXT, List.of(userText("item_1", "five six"))));
		sandbox.advance(10_000);
		List<String> events = sandbox.all().stream().map(SandboxLifecycleTests::brief).toList();
		assertThat(events).containsExactly("started resp_1", "text resp_1 one", "text resp_1  two",
				"done resp_1 cancelled", "started resp_2", "text resp_2 five", "text resp_2  six", "item done resp_2",
				"done resp_2 completed");
	}

	@Test
	void closeThenNoEventsFollow() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.speak("item_1", speech(7, 2400));
		sandbox.session.createResponse(response("resp_1", AUDIO, List.of(audioTurn("item_1", 2400))));
		sandbox.advance(500);
		sandbox.session.close();
		int events = sandbox.events.size();
		sandbox.advance(10_000);
		sandbox.session.cancelResponse();
		sandbox.speak("item_2", speech(8, 1000));
		sandbox.session.createResponse(response("resp_2", TEXT, List.of(userText("item_3", "hello"))));
		sandbox.advance(10_000);
		assertThat(sandbox.events).hasSize(events);
		assertThat(sandbox.all(ResponseDone.class)).isEmpty();
	}

	@Test
	void sameInputsThenSameEvents() {
		assertThat(conversation().described()).isEqualTo(conversation().described()).hasSize(30);
	}

	@Test
	void listenerFailureThenLaterEventsStillArrive() {
		List<ProviderEvent> received = new ArrayList<>();
		VirtualTimeScheduler time = VirtualTimeScheduler.create();
		SandboxSession session = new SandboxSession(TestSandbox.settings(), (event) -> {
			received.add(event);
			if (event instanceof OutputItemStarted) {
				throw new IllegalStateException("listener bug");
			}
		}, time);
		session.createResponse(response("resp_1", TEXT, List.of(userText("item_1", "hello world"))));
		time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(received).last().isInstanceOf(ResponseDone.class);
	}

	/** A spoken turn, its playback, a text turn and a cancelled answer: every kind of event. */
	private static TestSandbox conversation() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.speak("item_1", speech(7, 1200));
		sandbox.session.createResponse(response("resp_1", AUDIO, List.of(audioTurn("item_1", 1200))));
		sandbox.advance(5_000);
		sandbox.session.createResponse(response("resp_2", AUDIO,
				List.of(audioTurn("item_1", 1200), userText("item_2", "hello there"))));
		sandbox.advance(700);
		sandbox.session.cancelResponse();
		return sandbox;
	}

	private static String brief(ProviderEvent event) {
		return switch (event) {
			case OutputItemStarted started -> "started " + started.responseId();
			case TextDelta delta -> "text " + delta.responseId() + " " + delta.delta();
			case OutputItemDone done -> "item done " + done.responseId();
			case ResponseDone done -> "done " + done.responseId() + " " + done.status();
			case TranscriptDelta delta -> "transcript " + delta.delta();
			default -> event.toString();
		};
	}

}

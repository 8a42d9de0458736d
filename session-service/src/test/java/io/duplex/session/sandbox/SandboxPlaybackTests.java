package io.duplex.session.sandbox;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.duplex.session.audio.Pcm16;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderEvent.AudioDelta;
import io.duplex.session.provider.ProviderEvent.InputTranscribed;
import io.duplex.session.provider.ProviderEvent.OutputItemDone;
import io.duplex.session.provider.ProviderEvent.OutputItemStarted;
import io.duplex.session.provider.ProviderEvent.ResponseDone;
import io.duplex.session.provider.ProviderEvent.TextDelta;
import io.duplex.session.provider.ProviderEvent.TranscriptDelta;
import io.duplex.session.provider.ProviderSettings;

import static io.duplex.session.sandbox.TestSandbox.AUDIO;
import static io.duplex.session.sandbox.TestSandbox.TEXT;
import static io.duplex.session.sandbox.TestSandbox.audioTurn;
import static io.duplex.session.sandbox.TestSandbox.response;
import static io.duplex.session.sandbox.TestSandbox.speech;
import static io.duplex.session.sandbox.TestSandbox.userText;
import static org.assertj.core.api.Assertions.assertThat;

/** Played-back turns, transcription and echoed text, on virtual time. */
class SandboxPlaybackTests {

	@Test
	void createResponseWhenLastItemIsAudioTurnThenPlaysTheTurnBackExactly() {
		TestSandbox sandbox = new TestSandbox();
		short[] turn = speech(7, 2400);
		sandbox.speak("item_1", turn);
		sandbox.events.clear();
		sandbox.session.createResponse(response("resp_1", AUDIO, List.of(audioTurn("item_1", 2400))));
		sandbox.advance(10_000);
		assertThat(sandbox.audio()).isEqualTo(Pcm16.toBytes(turn));
		assertThat(sandbox.text(TranscriptDelta.class, TranscriptDelta::delta)).isEqualTo("You spoke for 2.4 seconds.");
		assertThat(sandbox.all(TranscriptDelta.class)).extracting(TranscriptDelta::delta)
			.containsExactly("You", " spoke", " for", " 2.4", " seconds.");
		assertThat(sandbox.all().getFirst()).isEqualTo(new OutputItemStarted("resp_1", 0, "message", null, null));
		List<ProviderEvent> events = sandbox.all();
		assertThat(events.get(events.size() - 2)).isEqualTo(new OutputItemDone("resp_1", 0));
		assertThat(events.getLast()).isInstanceOf(ResponseDone.class);
		assertThat(sandbox.done().status()).isEqualTo("completed");
	}

	@Test
	void createResponseThenSendsEachAudioDeltaWhenItsTimeComes() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.speak("item_1", speech(7, 2450));
		sandbox.events.clear();
		sandbox.session.createResponse(response("resp_1", AUDIO, List.of(audioTurn("item_1", 2450))));
		sandbox.advance(299);
		assertThat(sandbox.events).isEmpty();
		sandbox.advance(10_000);
		List<TestSandbox.Timed> deltas = sandbox.timed(AudioDelta.class);
		assertThat(deltas).hasSize(25);
		for (int k = 0; k < deltas.size(); k++) {
			assertThat(deltas.get(k).atMs()).isEqualTo(300 + 100L * k);
			int bytes = ((AudioDelta) deltas.get(k).event()).pcm().length;
			assertThat(bytes).isEqualTo((k < 24) ? 4800 : 2400);
		}
		assertThat(sandbox.timed(OutputItemStarted.class).getFirst().atMs()).isEqualTo(300);
		assertThat(sandbox.timed(ResponseDone.class).getFirst().atMs()).isEqualTo(2700);
	}

	@Test
	void createResponseThenSpreadsTheTranscriptOverThePlayback() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.speak("item_1", speech(7, 2400));
		sandbox.events.clear();
		sandbox.session.createResponse(response("resp_1", AUDIO, List.of(audioTurn("item_1", 2400))));
		sandbox.advance(10_000);
		assertThat(sandbox.timed(TranscriptDelta.class)).extracting(TestSandbox.Timed::atMs)
			.containsExactly(300L, 780L, 1260L, 1740L, 2220L);
	}

	@Test
	void createResponseWhenDelayIsSetThenTheFirstDeltaWaitsForIt() {
		TestSandbox sandbox = new TestSandbox(TestSandbox.settings(Duration.ofSeconds(1)));
		sandbox.session.createResponse(response("resp_1", TEXT, List.of(userText("item_1", "hello world"))));
		sandbox.advance(999);
		assertThat(sandbox.events).isEmpty();
		sandbox.advance(1);
		assertThat(sandbox.timed(TextDelta.class)).extracting(TestSandbox.Timed::atMs).containsExactly(1000L);
	}

	@Test
	void createResponseWhenDelayIsZeroThenTheFirstDeltaGoesAtOnce() {
		TestSandbox sandbox = new TestSandbox(TestSandbox.settings(Duration.ZERO));
		sandbox.session.createResponse(response("resp_1", TEXT, List.of(userText("item_1", "hello world"))));
		assertThat(sandbox.all(TextDelta.class)).extracting(TextDelta::delta).containsExactly("hello");
	}

	@Test
	void commitInputWhenTranscribingThenReportsTheTurnsDuration() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.speak("item_1", speech(7, 2400));
		assertThat(sandbox.all()).containsExactly(new InputTranscribed("item_1", "(2.4 seconds of speech)"));
	}

	@Test
	void commitInputWhenNotTranscribingThenSaysNothing() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.update(new ProviderSettings("sess_1", TestSandbox.PLACEMENT, TestSandbox.MODEL, "alloy",
				TestSandbox.INSTRUCTIONS, List.of(), false, List.of(), Duration.ofMillis(300)));
		sandbox.speak("item_1", speech(7, 2400));
		sandbox.advance(1_000);
		assertThat(sandbox.events).isEmpty();
	}

	@Test
	void commitInputThenPlaysBackTheSpeechSpanNotTheSilenceBeforeIt() {
		TestSandbox sandbox = new TestSandbox();
		short[] silence = new short[24 * 2000];
		short[] turn = speech(3, 1200);
		sandbox.append(silence, 0, silence.length);
		sandbox.append(turn, 0, turn.length);
		sandbox.session.commitInput("item_1", 2000, 3200);
		sandbox.session.createResponse(response("resp_1", AUDIO, List.of(audioTurn("item_1", 3200))));
		sandbox.advance(10_000);
		assertThat(sandbox.audio()).isEqualTo(Pcm16.toBytes(turn));
	}

	@Test
	void clearInputThenTheTurnHasOnlyTheAudioAppendedAfter() {
		TestSandbox sandbox = new TestSandbox();
		short[] dropped = speech(1, 1000);
		sandbox.append(dropped, 0, dropped.length);
		sandbox.session.clearInput();
		short[] turn = speech(2, 1500);
		sandbox.speak("item_1", turn);
		sandbox.session.createResponse(response("resp_1", AUDIO, List.of(audioTurn("item_1", 1500))));
		sandbox.advance(10_000);
		assertThat(sandbox.all(InputTranscribed.class).getFirst().transcript()).isEqualTo("(1.5 seconds of speech)");
		assertThat(sandbox.audio()).isEqualTo(Pcm16.toBytes(turn));
	}

	@Test
	void createResponseWhenAudioModalityAndUserTextThenSpeaksTheText() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.createResponse(response("resp_1", AUDIO, List.of(userText("item_1", "hello world"))));
		sandbox.advance(10_000);
		// 11 characters of 65 ms
		assertThat(sandbox.audio()).hasSize(715 * 24 * 2);
		assertThat(Pcm16.dbfs(Pcm16.toShorts(sandbox.audio()))).isGreaterThan(-30);
		assertThat(sandbox.timed(TranscriptDelta.class)).extracting((timed) -> timed.atMs() + " "
				+ ((TranscriptDelta) timed.event()).delta())
			.containsExactly("300 hello", "690  world");
		assertThat(sandbox.done().status()).isEqualTo("completed");
	}

	@Test
	void createResponseWhenTextModalityThenEchoesWordByWord() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.createResponse(response("resp_1", TEXT, List.of(userText("item_1", "hello  big\nworld "))));
		sandbox.advance(10_000);
		assertThat(sandbox.timed(TextDelta.class)).extracting((timed) -> timed.atMs() + " "
				+ ((TextDelta) timed.event()).delta())
			.containsExactly("300 hello", "320   big", "340 \nworld ");
		assertThat(sandbox.all(AudioDelta.class)).isEmpty();
		assertThat(sandbox.all(TranscriptDelta.class)).isEmpty();
		assertThat(sandbox.all().getFirst()).isInstanceOf(OutputItemStarted.class);
		assertThat(sandbox.done().status()).isEqualTo("completed");
	}

	@Test
	void createResponseWhenTextModalityAndAudioTurnThenNamesItsDuration() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.speak("item_1", speech(7, 2400));
		sandbox.session.createResponse(response("resp_1", TEXT, List.of(audioTurn("item_1", 2400))));
		sandbox.advance(10_000);
		assertThat(sandbox.text(TextDelta.class, TextDelta::delta)).isEqualTo("You spoke for 2.4 seconds.");
		assertThat(sandbox.all(AudioDelta.class)).isEmpty();
	}

	@Test
	void createResponseWhenTurnAudioIsUnknownThenSpeaksItsDuration() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.createResponse(response("resp_1", AUDIO, List.of(audioTurn("seeded_1", 3000))));
		sandbox.advance(10_000);
		String sentence = "You spoke for 3.0 seconds.";
		assertThat(sandbox.text(TranscriptDelta.class, TranscriptDelta::delta)).isEqualTo(sentence);
		assertThat(sandbox.audio()).isEqualTo(new Voice(sentence).pcm(0, sentence.length() * 65 * 24));
	}

	@Test
	void deleteItemThenItsAudioIsNoLongerPlayedBack() {
		TestSandbox sandbox = new TestSandbox();
		short[] turn = speech(7, 2400);
		sandbox.speak("item_1", turn);
		sandbox.session.deleteItem("item_1");
		sandbox.session.createResponse(response("resp_1", AUDIO, List.of(audioTurn("item_1", 2400))));
		sandbox.advance(10_000);
		assertThat(sandbox.audio()).hasSize("You spoke for 2.4 seconds.".length() * 65 * 48)
			.isNotEqualTo(Pcm16.toBytes(turn));
	}

	@Test
	void createResponseWhenNothingToAnswerThenSaysTheFixedMessage() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.createResponse(response("resp_1", TEXT, List.of()));
		sandbox.advance(10_000);
		assertThat(sandbox.text(TextDelta.class, TextDelta::delta)).isEqualTo(Replies.NOTHING_TO_ANSWER);
		TestSandbox answered = new TestSandbox();
		answered.session.createResponse(response("resp_2", TEXT,
				List.of(userText("item_1", "hi"), ContextItem.message("item_2", "assistant",
						"hi", 0))));
		answered.advance(10_000);
		assertThat(answered.text(TextDelta.class, TextDelta::delta)).isEqualTo(Replies.NOTHING_TO_ANSWER);
	}

}

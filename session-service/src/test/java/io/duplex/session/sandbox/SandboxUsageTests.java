package io.duplex.session.sandbox;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ResponseSpec;
import io.duplex.session.provider.TokenUsage;
import io.duplex.session.text.TextTokens;

import static io.duplex.session.sandbox.TestSandbox.AUDIO;
import static io.duplex.session.sandbox.TestSandbox.TEXT;
import static io.duplex.session.sandbox.TestSandbox.audioTurn;
import static io.duplex.session.sandbox.TestSandbox.response;
import static io.duplex.session.sandbox.TestSandbox.speech;
import static io.duplex.session.sandbox.TestSandbox.userText;
import static org.assertj.core.api.Assertions.assertThat;

/** Token usage at the catalog model's rates, with cached input. */
class SandboxUsageTests {

	private static final String ANSWER = "You spoke for 2.4 seconds.";

	@Test
	void responseDoneWhenPlayingBackATurnThenCountsAudioAtTheModelsRates() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.speak("item_1", speech(7, 2400));
		sandbox.session.createResponse(response("resp_1", AUDIO, List.of(audioTurn("item_1", 2400))));
		sandbox.advance(10_000);
		// instructions 3 text tokens; 2.4 s in at 10 a second, 2.4 s out at 20 a second; the answer, 9 text tokens
		assertThat(sandbox.done().usage()).isEqualTo(new TokenUsage(3, 24, 0, 0, 9, 48));
	}

	@Test
	void responseDoneWhenContextOnlyGrewThenThePreviousInputIsCached() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.speak("item_1", speech(7, 2400));
		sandbox.session.createResponse(response("resp_1", AUDIO, List.of(audioTurn("item_1", 2400))));
		sandbox.advance(10_000);
		TokenUsage first = sandbox.done().usage();
		sandbox.events.clear();
		sandbox.session.createResponse(response("resp_2", TEXT, List.of(audioTurn("item_1", 2400),
				ContextItem.message("item_2", "assistant", ANSWER, 2400), userText("item_3", "hello world"))));
		sandbox.advance(10_000);
		TokenUsage second = sandbox.done().usage();
		assertThat(second.cachedTextTokens() + second.cachedAudioTokens()).isEqualTo(first.inputTokens());
		// the assistant's audio counts as input audio; "hello world" is 2 tokens, echoed as 2
		assertThat(second).isEqualTo(new TokenUsage(5, 48, 3, 24, 2, 0));
	}

	@Test
	void responseDoneWhenAnAudioTurnGotItsTranscriptThenItIsStillCached() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.createResponse(response("resp_1", TEXT, List.of(audioTurn("item_1", 2400))));
		sandbox.advance(10_000);
		sandbox.events.clear();
		ContextItem transcribed = ContextItem.message("item_1", "user", "(2.4 seconds of speech)", 2400);
		sandbox.session.createResponse(response("resp_2", TEXT, List.of(transcribed, userText("item_2", "hi"))));
		sandbox.advance(10_000);
		assertThat(sandbox.done().usage()).isEqualTo(new TokenUsage(4, 24, 3, 24, 1, 0));
	}

	@Test
	void responseDoneWhenAnEarlierItemChangedThenOnlyThePrefixBeforeItIsCached() {
		TestSandbox sandbox = new TestSandbox();
		ContextItem question = userText("item_1", "hello world");
		ContextItem answer = ContextItem.message("item_2", "assistant", ANSWER, 2400);
		sandbox.session.createResponse(response("resp_1", TEXT, List.of(question, answer, userText("item_3", "hi"))));
		sandbox.advance(10_000);
		sandbox.events.clear();
		ContextItem truncated = ContextItem.message("item_2", "assistant", "You spoke", 800);
		sandbox.session.createResponse(response("resp_2", TEXT, List.of(question, truncated, userText("item_3", "hi"))));
		sandbox.advance(10_000);
		TokenUsage usage = sandbox.done().usage();
		assertThat(usage.cachedTextTokens()).isEqualTo(5);
		assertThat(usage.cachedAudioTokens()).isZero();
		assertThat(usage.inputAudioTokens()).isEqualTo(8);
	}

	@Test
	void responseDoneWhenInstructionsChangedThenNothingIsCached() {
		TestSandbox sandbox = new TestSandbox();
		List<ContextItem> context = List.of(userText("item_1", "hello world"));
		sandbox.session.createResponse(response("resp_1", TEXT, context));
		sandbox.advance(10_000);
		sandbox.events.clear();
		sandbox.session.createResponse(new ResponseSpec("resp_2", context, TEXT, "Be very brief.", List.of(), "auto", null));
		sandbox.advance(10_000);
		TokenUsage usage = sandbox.done().usage();
		assertThat(usage.cachedTextTokens() + usage.cachedAudioTokens()).isZero();
		assertThat(usage.inputTextTokens()).isEqualTo(TextTokens.count("Be very brief.") + 2);
	}

	@Test
	void responseDoneWhenFunctionCallIsInContextThenCountsItsNameAndArguments() {
		TestSandbox sandbox = new TestSandbox();
		String callId = Replies.callId("resp_0");
		sandbox.session.createResponse(response("resp_1", TEXT,
				List.of(new ContextItem("item_1", "function_call", null, "{\"city\":\"Paris\"}", "get_weather", callId, 0),
						new ContextItem("item_2", "function_call_output", null, "{\"temp\":21}", null, callId, 0))));
		sandbox.advance(10_000);
		TokenUsage usage = sandbox.done().usage();
		// instructions 3, name 2, arguments 5, output 6; the answer "The tool returned: {"temp":21}" is 9
		assertThat(usage).isEqualTo(new TokenUsage(3 + 2 + 5 + TextTokens.count("{\"temp\":21}"), 0, 0, 0, 9, 0));
	}

	@Test
	void responseDoneWhenSpeakingTextThenCountsTheSynthesisedAudio() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.createResponse(response("resp_1", AUDIO, List.of(userText("item_1", "hello world"))));
		sandbox.advance(10_000);
		// 715 ms at 20 tokens a second is 14.3 tokens: a started token counts
		assertThat(sandbox.done().usage()).isEqualTo(new TokenUsage(5, 0, 0, 0, 2, 15));
	}

	@Test
	void audioTokensThenRoundAStartedTokenUp() {
		assertThat(InputMeter.audioTokens(2400, 10)).isEqualTo(24);
		assertThat(InputMeter.audioTokens(2450, 10)).isEqualTo(25);
		assertThat(InputMeter.audioTokens(2401, 10)).isEqualTo(25);
		assertThat(InputMeter.audioTokens(0, 10)).isZero();
	}

	@Test
	void countThenUsesO200kBase() {
		assertThat(TextTokens.count("hello world")).isEqualTo(2);
		assertThat(TextTokens.count(ANSWER)).isEqualTo(9);
		assertThat(TextTokens.count("")).isZero();
		// a special token's text is ordinary text here, not an error
		assertThat(TextTokens.count("<|endoftext|>")).isGreaterThan(1);
	}

}

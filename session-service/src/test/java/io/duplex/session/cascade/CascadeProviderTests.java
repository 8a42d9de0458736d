package io.duplex.session.cascade;

import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.duplex.audio.Wav;
import io.duplex.session.testing.ProviderSessions;
import io.duplex.session.testing.RecordingListener;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderEvent.ArgumentsDelta;
import io.duplex.session.provider.ProviderEvent.AudioDelta;
import io.duplex.session.provider.ProviderEvent.InputTranscribed;
import io.duplex.session.provider.ProviderEvent.OutputItemDone;
import io.duplex.session.provider.ProviderEvent.OutputItemStarted;
import io.duplex.session.provider.ProviderEvent.ResponseDone;
import io.duplex.session.provider.ProviderEvent.TextDelta;
import io.duplex.session.provider.ProviderEvent.TranscriptDelta;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.Summary;
import io.duplex.session.provider.SummaryRequest;
import io.duplex.session.provider.TokenUsage;
import io.duplex.session.provider.UpstreamHttpException;
import io.duplex.session.text.TextTokens;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The cascade provider against a fake OpenAI-compatible server: turns, answers, speech and tool calls. */
class CascadeProviderTests {

	private static final String FIRST = "It is sunny in Paris today.";

	private static final String SECOND = "Anything else?";

	private final FakeOpenAiCompatible fake = FakeOpenAiCompatible.start();

	private final RecordingListener recorder = new RecordingListener();

	@AfterEach
	void everyRequestFollowsTheProtocol() {
		try {
			assertThat(this.fake.violations).as("requests the provider sent").isEmpty();
		}
		finally {
			this.fake.close();
		}
	}

	@Test
	void fullTurnWhenAudioCommittedThenTranscribedAnsweredAndSpokenSentenceBySentenceWithUsage() {
		ProviderSession session = ProviderSessions.open(TestCascade.provider(this.fake), TestCascade.settings(true),
				this.recorder);
		short[] speech = ProviderSessions.speech(500);
		ProviderSessions.append(session, speech);
		session.commitInput("item_user1", 0, 500);
		session.createResponse(TestCascade.audio("resp_1", TestCascade.turn("item_user1", 500)));
		ResponseDone done = this.recorder.await(ResponseDone.class, 1);

		assertThat(this.recorder.all(InputTranscribed.class))
			.containsExactly(new InputTranscribed("item_user1", FakeOpenAiCompatible.HEARD));
		int characters = FIRST.length() + SECOND.length();
		assertThat(done).isEqualTo(new ResponseDone("resp_1", "completed", new TokenUsage(57, 0, 32, 0, 13, 0, 500,
				characters)));
		assertThat(this.recorder.all(OutputItemStarted.class))
			.containsExactly(new OutputItemStarted("resp_1", 0, "message", null, null));
		assertThat(this.recorder.all(TranscriptDelta.class)).extracting(TranscriptDelta::delta)
			.containsExactly(FIRST, " " + SECOND);
		assertThat(this.recorder.audio()).isEqualTo(TestCascade.spoken(FIRST, SECOND));
		assertThat(this.recorder.all(AudioDelta.class)).allSatisfy((delta) -> assertThat(delta.pcm().length % 2).isZero());
		List<ProviderEvent> events = this.recorder.events();
		// the item ends, then the stage figures, then the response
		assertThat(events.get(events.size() - 3)).isEqualTo(new OutputItemDone("resp_1", 0));
		ProviderEvent.StageTimings stages = (ProviderEvent.StageTimings) events.get(events.size() - 2);
		assertThat(stages.responseId()).isEqualTo("resp_1");
		assertThat(stages.sttMs()).isNotNull().isNotNegative();
		assertThat(stages.llmFirstTokenMs()).isNotNull().isNotNegative();
		assertThat(stages.ttsFirstByteMs()).isNotNull().isNotNegative();
		// each sentence's transcript goes out with its first audio, not ahead of it
		int firstAudio = events.indexOf(this.recorder.all(AudioDelta.class).get(0));
		assertThat(events.get(firstAudio - 1)).isEqualTo(new TranscriptDelta("resp_1", 0, FIRST));

		FakeOpenAiCompatible.Received transcription = this.fake.received(Transcription.PATH).get(0);
		Multipart form = Multipart.parse(transcription.contentType(), transcription.body());
		assertThat(Wav.read(form.file("file"))).isEqualTo(new Wav.Clip(24_000, speech));
		assertThat(form.field("model")).isEqualTo("whisper-large-v3");
		JsonNode chat = this.fake.received("/chat/completions").get(0).json();
		assertThat(chat.path("model").stringValue()).isEqualTo("llama-3.1-8b-instruct");
		assertThat(chat.path("messages").toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief.\"},"
				+ "{\"role\":\"user\",\"content\":\"" + FakeOpenAiCompatible.HEARD + "\"}]");
		assertThat(chat.path("tools").get(0).path("function").path("name").stringValue()).isEqualTo("get_weather");
		assertThat(chat.path("tool_choice").stringValue()).isEqualTo("auto");
		assertThat(this.fake.received(Speech.PATH)).extracting((request) -> request.json().path("input").stringValue())
			.containsExactly(FIRST, SECOND);
		assertThat(this.fake.received(Speech.PATH).get(0).json().path("voice").stringValue()).isEqualTo("alloy");
		assertThat(this.fake.received).extracting(FakeOpenAiCompatible.Received::authorization)
			.containsOnly("Bearer " + FakeOpenAiCompatible.KEY);
		session.close();
	}

	@Test
	void connectionsWhenTurnsFollowEachOtherThenKeptAliveAndReused() {
		ProviderSession session = ProviderSessions.open(TestCascade.provider(this.fake), TestCascade.settings(true),
				this.recorder);
		for (int turn = 1; turn <= 3; turn++) {
			ProviderSessions.append(session, ProviderSessions.speech(300));
			session.commitInput("item_user" + turn, 0, 300);
			session.createResponse(TestCascade.audio("resp_" + turn, TestCascade.turn("item_user" + turn, 300)));
			assertThat(this.recorder.await(ResponseDone.class, turn).status()).isEqualTo("completed");
		}
		assertThat(this.fake.received).hasSize(12);
		// at most three requests are in flight at once (the chat stream and two sentences); every later
		// request reuses a kept-alive connection
		assertThat(this.fake.connections.get()).isLessThanOrEqualTo(3);
		assertThat(this.fake.aborted).isEmpty();
		session.close();
	}

	@Test
	void transcriptWhenSessionDoesNotAskForOneThenNotReportedButStillHeardByTheModel() {
		ProviderSession session = ProviderSessions.open(TestCascade.provider(this.fake), TestCascade.settings(false),
				this.recorder);
		ProviderSessions.append(session, ProviderSessions.speech(300));
		session.commitInput("item_user1", 0, 300);
		session.createResponse(TestCascade.text("resp_1", TestCascade.turn("item_user1", 300)));
		this.recorder.await(ResponseDone.class, 1);
		assertThat(this.recorder.all(InputTranscribed.class)).isEmpty();
		assertThat(this.fake.received("/chat/completions").get(0).json().path("messages").get(1).path("content")
			.stringValue()).isEqualTo(FakeOpenAiCompatible.HEARD);
		session.close();
	}

	@Test
	void summarizeWhenAskedThenTheChatModelReadsTheConversationAsTextAndItsTokensComeWithTheSummary() {
		ProviderSession session = ProviderSessions.open(TestCascade.provider(this.fake), TestCascade.settings(true),
				this.recorder);
		// a spoken turn the cascade transcribed, given with no text, as when the session asked for no transcripts
		ProviderSessions.append(session, ProviderSessions.speech(500));
		session.commitInput("item_0", 0, 500);
		this.recorder.await(InputTranscribed.class, 1);
		SummaryRequest request = new SummaryRequest(List.of(ContextItem.message("item_0", "user", "", 500),
				ContextItem.message("item_1", "user", "Weather in Paris?", 0),
				new ContextItem("item_2", "function_call", null, "{\"city\":\"Paris\"}", "get_weather", "call_1", 0),
				new ContextItem("item_3", "function_call_output", null, "{\"sky\":\"clear\"}", null, "call_1", 0),
				ContextItem.message("item_4", "assistant", "It is sunny.", 0)), 120);
		Summary summary = session.summarize(request).block(TestCascade.WAIT);
		assertThat(summary).isEqualTo(new Summary(String.join("", FakeOpenAiCompatible.ANSWER),
				new TokenUsage(57, 0, 32, 0, 13, 0)));
		JsonNode body = this.fake.received("/chat/completions").getLast().json();
		assertThat(body.path("model").stringValue()).isEqualTo("llama-3.1-8b-instruct");
		assertThat(body.path("max_tokens").asInt()).isEqualTo(120);
		assertThat(body.has("tools")).isFalse();
		assertThat(body.path("messages").get(0).path("role").stringValue()).isEqualTo("system");
		assertThat(body.path("messages").get(0).path("content").stringValue()).isEqualTo(request.instructions())
			.contains("at most 90 words");
		assertThat(body.path("messages").toString()).endsWith("""
				{"role":"user","content":"What is the weather in Paris?"},\
				{"role":"user","content":"Weather in Paris?"},\
				{"role":"system","content":"The assistant called the tool get_weather with {\\"city\\":\\"Paris\\"}."},\
				{"role":"system","content":"The tool answered: {\\"sky\\":\\"clear\\"}"},\
				{"role":"assistant","content":"It is sunny."},\
				{"role":"user","content":"Write the summary of the conversation above now."}]""");
		// beside the conversation: no response, no event
		assertThat(this.recorder.events()).containsExactly(new InputTranscribed("item_0", FakeOpenAiCompatible.HEARD));
		session.close();
	}

	@Test
	void summarizeWhenTheChatModelFailsOrTheSessionClosesThenAnError() {
		ProviderSession session = ProviderSessions.open(TestCascade.provider(this.fake), TestCascade.settings(true),
				this.recorder);
		SummaryRequest request = new SummaryRequest(List.of(ContextItem.message("item_1", "user", "Hi", 0)), 50);
		this.fake.chat = FakeOpenAiCompatible.Chat.UNAVAILABLE;
		StepVerifier.create(session.summarize(request)).expectError(UpstreamHttpException.class).verify(TestCascade.WAIT);
		this.fake.chat = FakeOpenAiCompatible.Chat.HOLD;
		Mono<Summary> held = session.summarize(request).cache();
		held.subscribe(null, (error) -> {
		});
		Awaitility.await().atMost(TestCascade.WAIT).until(() -> this.fake.received("/chat/completions").size() == 2);
		session.close();
		StepVerifier.create(held).expectError(IllegalStateException.class).verify(TestCascade.WAIT);
		// the held request's connection is closed rather than left streaming
		Awaitility.await().atMost(TestCascade.WAIT).until(() -> this.fake.aborted.contains("/chat/completions"));
		assertThat(this.recorder.events()).isEmpty();
	}

	@Test
	void cancelWhenTheChatStreamHadNotReportedItsUsageThenTheTokensReadAndWrittenAreEstimated() {
		this.fake.chat = FakeOpenAiCompatible.Chat.HOLD;
		ProviderSession session = ProviderSessions.open(TestCascade.provider(this.fake), TestCascade.settings(true),
				this.recorder);
		session.createResponse(TestCascade.text("resp_1", List.of(ContextItem.message("item_1", "user", "Hi", 0))));
		this.recorder.await(TextDelta.class, 1);
		session.cancelResponse();
		ResponseDone done = this.recorder.await(ResponseDone.class, 1);
		assertThat(done.status()).isEqualTo("cancelled");
		// the chat model read the messages sent and wrote what came: it bills them, usage reported or not
		long read = 0;
		for (JsonNode message : this.fake.received("/chat/completions").get(0).json().path("messages")) {
			read += TextTokens.count(message.path("content").stringValue(""));
		}
		assertThat(read).isPositive();
		assertThat(done.usage()).isEqualTo(new TokenUsage(read, 0, 0, 0, TextTokens.count("It is sunny. "), 0, 0, 0,
				true));
		session.close();
	}

	@Test
	void textResponseWhenOnlyTextAskedThenTextDeltasAndNothingSpoken() {
		ProviderSession session = ProviderSessions.open(TestCascade.provider(this.fake), TestCascade.settings(true),
				this.recorder);
		session.createResponse(TestCascade.text("resp_1", List.of(ContextItem.message("item_1", "user", "Hi", 0))));
		ResponseDone done = this.recorder.await(ResponseDone.class, 1);
		assertThat(done.usage()).isEqualTo(new TokenUsage(57, 0, 32, 0, 13, 0));
		assertThat(this.recorder.all(TextDelta.class)).extracting(TextDelta::delta)
			.containsExactlyElementsOf(FakeOpenAiCompatible.ANSWER);
		assertThat(this.recorder.all(AudioDelta.class)).isEmpty();
		assertThat(this.fake.received(Speech.PATH)).isEmpty();
		session.close();
	}

	@Test
	void functionCallWhenModelCallsToolThenFunctionCallItemWithStreamedArgumentsAndItsOutputGoesBack() {
		this.fake.chat = FakeOpenAiCompatible.Chat.CALL;
		ProviderSession session = ProviderSessions.open(TestCascade.provider(this.fake), TestCascade.settings(true),
				this.recorder);
		List<ContextItem> asked = List.of(ContextItem.message("item_1", "user", "Weather in Paris?", 0));
		session.createResponse(TestCascade.audio("resp_1", asked));
		ResponseDone done = this.recorder.await(ResponseDone.class, 1);
		assertThat(done.status()).isEqualTo("completed");
		assertThat(this.recorder.all(OutputItemStarted.class)).containsExactly(
				new OutputItemStarted("resp_1", 0, "function_call", "get_weather", FakeOpenAiCompatible.CALL_ID));
		assertThat(String.join("", this.recorder.all(ArgumentsDelta.class).stream().map(ArgumentsDelta::delta).toList()))
			.isEqualTo(FakeOpenAiCompatible.ARGUMENTS);
		assertThat(this.recorder.all(OutputItemDone.class)).containsExactly(new OutputItemDone("resp_1", 0));
		assertThat(this.fake.received(Speech.PATH)).isEmpty();

		this.fake.chat = FakeOpenAiCompatible.Chat.SPEAK;
		List<ContextItem> answered = List.of(asked.get(0),
				new ContextItem("item_2", "function_call", null, FakeOpenAiCompatible.ARGUMENTS, "get_weather",
						FakeOpenAiCompatible.CALL_ID, 0),
				new ContextItem("item_3", "function_call_output", null, "{\"sky\":\"clear\"}", null,
						FakeOpenAiCompatible.CALL_ID, 0));
		session.createResponse(TestCascade.audio("resp_2", answered));
		assertThat(this.recorder.await(ResponseDone.class, 2).status()).isEqualTo("completed");
		JsonNode messages = this.fake.received("/chat/completions").get(1).json().path("messages");
		assertThat(messages.get(2).path("role").stringValue()).isEqualTo("assistant");
		JsonNode call = messages.get(2).path("tool_calls").get(0);
		assertThat(call.path("id").stringValue()).isEqualTo(FakeOpenAiCompatible.CALL_ID);
		assertThat(call.path("function").path("name").stringValue()).isEqualTo("get_weather");
		assertThat(call.path("function").path("arguments").stringValue()).isEqualTo(FakeOpenAiCompatible.ARGUMENTS);
		assertThat(messages.get(3).path("role").stringValue()).isEqualTo("tool");
		assertThat(messages.get(3).path("tool_call_id").stringValue()).isEqualTo(FakeOpenAiCompatible.CALL_ID);
		assertThat(messages.get(3).path("content").stringValue()).isEqualTo("{\"sky\":\"clear\"}");
		session.close();
	}

	@Test
	void firstAudioWhenChatModelStillStreamsThenAlreadySpoken() {
		this.fake.tokenInterval = java.time.Duration.ofMillis(150);
		ProviderSession session = ProviderSessions.open(TestCascade.provider(this.fake), TestCascade.settings(true),
				this.recorder);
		session.createResponse(TestCascade.audio("resp_1", List.of(ContextItem.message("item_1", "user", "Hi", 0))));
		this.recorder.await(AudioDelta.class, 1);
		// the first sentence is spoken while the second is still being written
		assertThat(this.fake.completed).doesNotContain("/chat/completions");
		assertThat(this.recorder.all(ResponseDone.class)).isEmpty();
		assertThat(this.recorder.await(ResponseDone.class, 1).status()).isEqualTo("completed");
		session.close();
	}

}

package io.duplex.session.openai;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderEvent.ArgumentsDelta;
import io.duplex.session.provider.ProviderEvent.AudioDelta;
import io.duplex.session.provider.ProviderEvent.OutputItemStarted;
import io.duplex.session.provider.ProviderEvent.ResponseDone;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.Summary;
import io.duplex.session.provider.SummaryRequest;
import io.duplex.session.provider.TokenUsage;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Function calls, cancels, truncation and settings changes through the openai provider. */
class OpenAiProviderCallTests extends OpenAiProviderTestSupport {

	@Test
	void createResponseWhenModelCallsFunctionThenCallMappedAndOutputGoesBack() {
		this.fake.mode = FakeOpenAiRealtime.Mode.CALL;
		ProviderSession session = open();
		session.createResponse(TestOpenAi.audio("resp_call", List.of()));
		this.recorder.await(ResponseDone.class, 1);
		assertThat(this.recorder.all(OutputItemStarted.class)).containsExactly(
				new OutputItemStarted("resp_call", 0, "function_call", "get_weather", FakeResponses.CALL_ID));
		assertThat(String.join("", this.recorder.all(ArgumentsDelta.class).stream().map(ArgumentsDelta::delta).toList()))
			.isEqualTo(FakeOpenAiRealtime.ARGUMENTS);
		ContextItem call = new ContextItem("item_engine_call", "function_call", null, FakeOpenAiRealtime.ARGUMENTS,
				"get_weather", FakeResponses.CALL_ID, 0);
		ContextItem output = new ContextItem("item_engine_out", "function_call_output", null, "{\"sky\":\"clear\"}",
				null, FakeResponses.CALL_ID, 0);
		session.addItem(output);
		this.fake.mode = FakeOpenAiRealtime.Mode.SPEAK;
		session.createResponse(TestOpenAi.audio("resp_answer", List.of(call, output)));
		assertThat(this.recorder.await(ResponseDone.class, 2).responseId()).isEqualTo("resp_answer");
		JsonNode created = this.fake.received("conversation.item.create").get(0).path("item");
		assertThat(created.path("type").stringValue()).isEqualTo("function_call_output");
		assertThat(created.path("call_id").stringValue()).isEqualTo(FakeResponses.CALL_ID);
		// the engine's name for the call now leads to the upstream item
		String upstreamCall = this.fake.connection().items.get(0);
		session.deleteItem("item_engine_call");
		Awaitility.await().atMost(TestOpenAi.WAIT).until(() -> !this.fake.received("conversation.item.delete").isEmpty());
		assertThat(this.fake.received("conversation.item.delete").get(0).path("item_id").stringValue())
			.isEqualTo(upstreamCall);
		session.close();
	}

	@Test
	void summarizeWhileAResponsePlaysThenAnsweredOutOfBandAndNothingOfItReachesTheEngine() {
		this.fake.mode = FakeOpenAiRealtime.Mode.HOLD;
		ProviderSession session = open();
		session.createResponse(TestOpenAi.audio("resp_long", List.of()));
		this.recorder.await(AudioDelta.class, 1);
		int eventsBefore = this.recorder.events().size();
		SummaryRequest request = new SummaryRequest(List.of(ContextItem.message("item_1", "user", "Trains to Lyon?", 0),
				ContextItem.message("item_2", "assistant", "The first leaves at 6:04.", 0)), 120);
		Summary summary = session.summarize(request).block(TestOpenAi.WAIT);
		assertThat(summary).isEqualTo(new Summary(FakeOpenAiRealtime.SUMMARY, new TokenUsage(300, 0, 128, 0, 45, 0)));
		assertThat(this.recorder.events()).hasSize(eventsBefore);
		JsonNode asked = this.fake.received("response.create").getLast().path("response");
		assertThat(asked.path("conversation").stringValue()).isEqualTo("none");
		assertThat(asked.path("instructions").stringValue()).isEqualTo(request.instructions());
		assertThat(asked.path("tool_choice").stringValue()).isEqualTo("none");
		assertThat(asked.path("max_output_tokens").asInt()).isEqualTo(120);
		assertThat(asked.path("input").toString()).isEqualTo("""
				[{"type":"message","role":"user","content":[{"type":"input_text","text":"Trains to Lyon?"}]},\
				{"type":"message","role":"assistant","content":[{"type":"output_text","text":"The first leaves at 6:04."}]},\
				{"type":"message","role":"user","content":[{"type":"input_text","text":"Write the summary of the \
				conversation above now."}]}]""");
		// the conversation's own response is untouched: it still cancels as the engine's
		session.cancelResponse();
		assertThat(this.recorder.await(ResponseDone.class, 1)).extracting(ResponseDone::responseId, ResponseDone::status)
			.containsExactly("resp_long", "cancelled");
		assertThat(this.fake.connection().items).hasSize(1);
		session.close();
	}

	@Test
	void summarizeWhenRefusedOrTheSessionClosesThenItFailsWithoutAWordToTheEngine() {
		ProviderSession session = open();
		SummaryRequest request = new SummaryRequest(List.of(ContextItem.message("item_1", "user", "Hi", 0)), 50);
		this.fake.outOfBand = FakeOpenAiRealtime.OutOfBand.REFUSE;
		StepVerifier.create(session.summarize(request))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(UpstreamException.class)
				.extracting((failure) -> ((UpstreamException) failure).code())
				.isEqualTo("invalid_value"))
			.verify(TestOpenAi.WAIT);
		this.fake.outOfBand = FakeOpenAiRealtime.OutOfBand.SLOW;
		Mono<Summary> slow = session.summarize(request).cache();
		slow.subscribe(null, (error) -> {
		});
		Awaitility.await().atMost(TestOpenAi.WAIT).until(() -> this.fake.received("response.create").size() == 2);
		session.close();
		StepVerifier.create(slow).expectError(UpstreamException.class).verify(TestOpenAi.WAIT);
		StepVerifier.create(session.summarize(request)).expectError(UpstreamException.class).verify(TestOpenAi.WAIT);
		assertThat(this.recorder.events()).isEmpty();
	}

	@Test
	void cancelResponseWhenSpeakingThenCancelledAndHeardPartTruncatedUpstream() {
		this.fake.mode = FakeOpenAiRealtime.Mode.HOLD;
		ProviderSession session = open();
		session.createResponse(TestOpenAi.audio("resp_long", List.of()));
		this.recorder.await(AudioDelta.class, 1);
		session.cancelResponse();
		ResponseDone done = this.recorder.await(ResponseDone.class, 1);
		assertThat(done.responseId()).isEqualTo("resp_long");
		assertThat(done.status()).isEqualTo("cancelled");
		String responseId = this.fake.received.stream()
			.filter((event) -> event.path("type").stringValue("").equals("response.cancel"))
			.findFirst().orElseThrow().path("response_id").stringValue();
		assertThat(responseId).startsWith("resp_");
		session.truncateItem("item_engine_reply", 60, "part0");
		Awaitility.await().atMost(TestOpenAi.WAIT)
			.until(() -> !this.fake.received("conversation.item.truncate").isEmpty());
		JsonNode truncate = this.fake.received("conversation.item.truncate").get(0);
		assertThat(truncate.path("item_id").stringValue()).isEqualTo(this.fake.connection().items.get(0));
		assertThat(truncate.path("audio_end_ms").asInt()).isEqualTo(60);
		session.close();
	}

	@Test
	void createResponseWhenEngineDroppedAnOutputItemThenUpstreamDropsItToo() {
		ProviderSession session = open();
		session.createResponse(TestOpenAi.audio("resp_1", List.of()));
		this.recorder.await(ResponseDone.class, 1);
		String reply = this.fake.connection().items.get(0);
		ContextItem kept = ContextItem.message("item_engine_reply", "assistant", "part0 part1 part2 ", 300);
		session.createResponse(TestOpenAi.audio("resp_2", List.of(kept)));
		this.recorder.await(ResponseDone.class, 2);
		assertThat(this.fake.received("conversation.item.delete")).isEmpty();
		String second = this.fake.connection().items.get(1);
		// the engine's conversation no longer has the second reply
		session.createResponse(TestOpenAi.audio("resp_3", List.of(kept)));
		this.recorder.await(ResponseDone.class, 3);
		assertThat(this.fake.received("conversation.item.delete")).extracting((event) -> event.path("item_id").stringValue())
			.containsExactly(second);
		session.deleteItem("item_engine_reply");
		Awaitility.await().atMost(TestOpenAi.WAIT).until(() -> this.fake.received("conversation.item.delete").size() == 2);
		assertThat(this.fake.received("conversation.item.delete").get(1).path("item_id").stringValue()).isEqualTo(reply);
		session.close();
	}

	@Test
	void cancelWhenTheResponseHadAlreadyEndedUpstreamThenItsRefusalReachesNobody() {
		ProviderSession session = open();
		session.createResponse(TestOpenAi.audio("resp_1", List.of()));
		this.recorder.await(ResponseDone.class, 1);
		// the engine's cancel crossed the response's last events: the upstream has nothing to cancel
		((OpenAiSession) session).cancelNow("resp_already_done");
		Awaitility.await().atMost(TestOpenAi.WAIT).until(() -> this.fake.received("response.cancel").size() == 1);
		// events come in order: once the next response is done, the refusal has been read
		session.createResponse(TestOpenAi.audio("resp_2", List.of()));
		this.recorder.await(ResponseDone.class, 2);
		assertThat(this.fake.received("response.cancel").get(0).path("event_id").stringValue())
			.startsWith("duplex_cancel_");
		assertThat(this.fake.errorsSent).singleElement().asString().contains("response_cancel_not_active");
		assertThat(this.recorder.all(io.duplex.session.provider.ProviderEvent.Failed.class)).isEmpty();
		session.close();
	}

	@Test
	void cancelResponseWhenUpstreamHasNotStartedItThenCancelledOnceStarted() {
		this.fake.mode = FakeOpenAiRealtime.Mode.HOLD;
		ProviderSession session = open();
		session.createResponse(TestOpenAi.audio("resp_quick", List.of()));
		session.cancelResponse();
		assertThat(this.recorder.await(ResponseDone.class, 1).status()).isEqualTo("cancelled");
		assertThat(this.fake.received("response.cancel")).hasSize(1);
		session.close();
	}

	@Test
	void updateWhenSettingsChangeThenSessionUpdateWithoutRepeatingTheVoice() {
		ProviderSession session = open();
		ProviderSettings settings = TestOpenAi.settings();
		session.update(new ProviderSettings(settings.sessionId(), settings.placement(), settings.model(), settings.voice(), "Be verbose.",
				List.of(), settings.transcribeInput(), List.of(), Duration.ZERO));
		Awaitility.await().atMost(TestOpenAi.WAIT).until(() -> this.fake.received("session.update").size() == 2);
		JsonNode update = this.fake.received("session.update").get(1).path("session");
		assertThat(update.path("instructions").stringValue()).isEqualTo("Be verbose.");
		assertThat(update.path("tools").isEmpty()).isTrue();
		assertThat(update.path("audio").path("output").has("voice")).isFalse();
		session.close();
	}

	@Test
	void updateWhenTranscriptionTurnedOffThenNullTurnsItOff() {
		ProviderSession session = open();
		ProviderSettings settings = TestOpenAi.settings();
		session.update(new ProviderSettings(settings.sessionId(), settings.placement(), settings.model(), settings.voice(),
				settings.instructions(), settings.tools(), false, List.of(), Duration.ZERO));
		Awaitility.await().atMost(TestOpenAi.WAIT).until(() -> this.fake.received("session.update").size() == 2);
		JsonNode input = this.fake.received("session.update").get(1).path("session").path("audio").path("input");
		assertThat(input.get("transcription").isNull()).isTrue();
		// OpenAI documents null as "off once on", but its schema types the member as an object only:
		// the only violations allowed are that one and the union's consequences of it
		assertThat(this.fake.clientViolations).allSatisfy((violation) -> assertThat(violation)
			.containsAnyOf("/session/audio/input/transcription: null", "/session: must be valid", "/session/type"));
		this.fake.clientViolations.clear();
		session.close();
	}

	@Test
	void uriWhenAzureConfiguredThenDeploymentAndApiVersion() {
		OpenAiProperties azure = new OpenAiProperties(URI.create("wss://example.openai.azure.com/openai/realtime"),
				"azure-secret", Duration.ofSeconds(5), "my-realtime", "2025-04-01-preview", "gpt-4o-mini-transcribe",
				null, Duration.ofSeconds(10));
		assertThat(OpenAiProvider.uri(TestOpenAi.provider(azure).configured(), "my-realtime")).isEqualTo(URI.create(
				"wss://example.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=my-realtime"));
		assertThat(azure.toString()).doesNotContain("azure-secret");
	}

	@Test
	void uriWhenModelMappedThenUpstreamModelName() {
		OpenAiProperties mapped = new OpenAiProperties(URI.create("wss://api.openai.com/v1/realtime"), null,
				Duration.ofSeconds(5), null, null, "gpt-4o-mini-transcribe", Map.of("duplex-voice", "gpt-realtime-mini"),
				Duration.ofSeconds(10));
		assertThat(OpenAiProvider.uri(TestOpenAi.provider(mapped).configured(), mapped.upstreamModel("duplex-voice")))
			.isEqualTo(URI.create("wss://api.openai.com/v1/realtime?model=gpt-realtime-mini"));
	}

}

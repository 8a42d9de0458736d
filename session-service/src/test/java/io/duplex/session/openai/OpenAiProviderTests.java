package io.duplex.session.openai;

import java.io.ByteArrayOutputStream;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.duplex.session.testing.ProviderSessions;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderEvent.AudioDelta;
import io.duplex.session.provider.ProviderEvent.InputTranscribed;
import io.duplex.session.provider.ProviderEvent.OutputItemDone;
import io.duplex.session.provider.ProviderEvent.OutputItemStarted;
import io.duplex.session.provider.ProviderEvent.ResponseDone;
import io.duplex.session.provider.ProviderEvent.TranscriptDelta;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.TokenUsage;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The openai provider against the fake OpenAI Realtime server: a turn, its mapping and what goes upstream. */
class OpenAiProviderTests extends OpenAiProviderTestSupport {

	@Test
	void openWhenUpstreamAcceptsThenConfiguresSessionForEngineTurnDetection() {
		ProviderSession session = open();
		assertThat(this.fake.models).containsExactly("gpt-realtime");
		assertThat(session.upstreamId()).isEqualTo(this.fake.connection().sessionId());
		JsonNode update = this.fake.received("session.update").get(0).path("session");
		assertThat(update.path("type").stringValue()).isEqualTo("realtime");
		assertThat(update.path("instructions").stringValue()).isEqualTo("Be brief.");
		JsonNode input = update.path("audio").path("input");
		assertThat(input.path("turn_detection").isNull()).isTrue();
		assertThat(input.path("format").path("type").stringValue()).isEqualTo("audio/pcm");
		assertThat(input.path("format").path("rate").asInt()).isEqualTo(24_000);
		assertThat(input.path("transcription").path("model").stringValue()).isEqualTo("gpt-4o-mini-transcribe");
		assertThat(update.path("audio").path("output").path("voice").stringValue()).isEqualTo("alloy");
		assertThat(update.path("audio").path("output").path("format").path("rate").asInt()).isEqualTo(24_000);
		assertThat(update.path("tools").get(0).path("name").stringValue()).isEqualTo("get_weather");
		assertThat(this.recorder.events()).isEmpty();
		session.close();
	}

	@Test
	void fullTurnWhenAudioCommittedThenEventsMappedInOrderWithAudioAndUsageExact() {
		ProviderSession session = open();
		short[] speech = ProviderSessions.speech(500);
		ProviderSessions.append(session, speech);
		session.commitInput("item_user1", 0, 500);
		assertThat(this.recorder.await(InputTranscribed.class, 1))
			.isEqualTo(new InputTranscribed("item_user1", FakeOpenAiRealtime.HEARD));
		session.createResponse(TestOpenAi.audio("resp_duplex1", List.of()));
		ResponseDone done = this.recorder.await(ResponseDone.class, 1);

		assertThat(this.fake.connection().turns).hasSize(1);
		assertThat(this.fake.connection().turns.get(0)).isEqualTo(ProviderSessions.pcm(speech));
		assertThat(done).isEqualTo(new ResponseDone("resp_duplex1", "completed", new TokenUsage(119, 13, 60, 4, 30, 91)));
		List<ProviderEvent> events = this.recorder.events();
		assertThat(events.get(1)).isEqualTo(new OutputItemStarted("resp_duplex1", 0, "message", null, null));
		assertThat(events.subList(2, 8)).extracting((event) -> event.getClass().getSimpleName())
			.containsExactly("AudioDelta", "TranscriptDelta", "AudioDelta", "TranscriptDelta", "AudioDelta",
					"TranscriptDelta");
		assertThat(events.get(8)).isEqualTo(new OutputItemDone("resp_duplex1", 0));
		assertThat(events).hasSize(10);
		ByteArrayOutputStream audio = new ByteArrayOutputStream();
		this.recorder.all(AudioDelta.class).forEach((delta) -> audio.writeBytes(delta.pcm()));
		assertThat(audio.toByteArray()).isEqualTo(FakeOpenAiRealtime.audio(3));
		assertThat(this.recorder.all(TranscriptDelta.class)).extracting(TranscriptDelta::delta)
			.containsExactly("part0 ", "part1 ", "part2 ");
		assertThat(this.fake.received("response.create").get(0).path("response").path("output_modalities").get(0)
			.stringValue()).isEqualTo("audio");
		session.close();
	}

	@Test
	void createResponseWhenTextOnlyThenTextDeltasAndOverridesSent() {
		ProviderSession session = open();
		session.addItem(ContextItem.message("item_c1", "user", "Hi there", 0));
		session.createResponse(new io.duplex.session.provider.ResponseSpec("resp_t", List.of(), List.of("text"),
				"Answer in French.", List.of(TestOpenAi.WEATHER), "get_weather", 200));
		this.recorder.await(ResponseDone.class, 1);
		assertThat(this.recorder.all(ProviderEvent.TextDelta.class)).extracting(ProviderEvent.TextDelta::delta)
			.containsExactly("part0 ", "part1 ", "part2 ");
		assertThat(this.recorder.all(AudioDelta.class)).isEmpty();
		JsonNode response = this.fake.received("response.create").get(0).path("response");
		assertThat(response.path("instructions").stringValue()).isEqualTo("Answer in French.");
		assertThat(response.path("tool_choice").path("name").stringValue()).isEqualTo("get_weather");
		assertThat(response.path("max_output_tokens").asInt()).isEqualTo(200);
		session.close();
	}

	@Test
	void openWhenContextGivenThenSeedsItInOrderAsGaItems() {
		List<ContextItem> context = List.of(ContextItem.message("item_a", "system", "Speak slowly.", 0),
				ContextItem.message("item_b", "user", "What is the weather?", 1_200),
				new ContextItem("item_c", "function_call", null, "{\"city\":\"Paris\"}", "get_weather", "call_1", 0),
				new ContextItem("item_d", "function_call_output", null, "{\"sky\":\"clear\"}", null, "call_1", 0),
				ContextItem.message("item_e", "assistant", "It is clear in Paris.", 2_000));
		ProviderSession session = ProviderSessions.open(TestOpenAi.provider(this.fake), TestOpenAi.settings(context),
				this.recorder);
		List<JsonNode> received = this.fake.received;
		assertThat(received).extracting((event) -> event.path("type").stringValue())
			.containsExactly("session.update", "conversation.item.create", "conversation.item.create",
					"conversation.item.create", "conversation.item.create", "conversation.item.create");
		List<JsonNode> items = received.subList(1, 6).stream().map((event) -> event.path("item")).toList();
		assertThat(items).extracting((item) -> item.path("type").stringValue())
			.containsExactly("message", "message", "function_call", "function_call_output", "message");
		assertThat(items.get(0).path("content").get(0).path("type").stringValue()).isEqualTo("input_text");
		assertThat(items.get(1).path("content").get(0).path("text").stringValue()).isEqualTo("What is the weather?");
		assertThat(items.get(2).path("name").stringValue()).isEqualTo("get_weather");
		assertThat(items.get(3).path("call_id").stringValue()).isEqualTo("call_1");
		assertThat(items.get(4).path("role").stringValue()).isEqualTo("assistant");
		assertThat(items.get(4).path("content").get(0).path("type").stringValue()).isEqualTo("output_text");
		assertThat(this.fake.connection().items).hasSize(5);
		session.close();
	}

	@Test
	void deleteItemWhenEngineItemAddedThenDeletesItsUpstreamItem() {
		ProviderSession session = open();
		session.addItem(ContextItem.message("item_c1", "user", "Forget this", 0));
		session.deleteItem("item_c1");
		session.clearInput();
		org.awaitility.Awaitility.await().atMost(TestOpenAi.WAIT)
			.until(() -> !this.fake.received("input_audio_buffer.clear").isEmpty());
		String created = this.fake.received("conversation.item.create").get(0).path("item").path("id").stringValue();
		assertThat(this.fake.received("conversation.item.delete").get(0).path("item_id").stringValue())
			.isEqualTo(created);
		assertThat(this.fake.connection().items).isEmpty();
		session.close();
	}

}

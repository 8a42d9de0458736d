package io.duplex.session.conversation;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.test.json.JsonCompareMode;

import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/sessions/{id}/transcript} in every format, over one small conversation: a spoken
 * question, a function call and its output, a reply the user cut off, a typed message; a deleted
 * item and another session's item that must not show.
 */
class TranscriptApiTests extends ConversationTestSupport {

	@Test
	void transcriptWhenJsonThenListsTheSessionsLiveItemsInOrder() {
		Fixture fixture = fixture();
		as(fixture.tenant().viewerKey()).get()
			.uri("/v1/sessions/{id}/transcript", fixture.sessionId())
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType("application/json")
			.expectBody()
			.json("""
					{"object": "realtime.transcript", "session": "%s", "conversation": "%s", "items": [
					 {"id": "%s", "type": "message", "role": "user", "text": "What's the weather in Paris?",
					  "started_ms": 1250, "ended_ms": 3900, "truncated": false, "truncated_at_ms": null},
					 {"id": "%s", "type": "function_call", "role": null, "text": "get_weather({\\"city\\":\\"Paris\\"})",
					  "started_ms": null, "ended_ms": null, "truncated": false, "truncated_at_ms": null},
					 {"id": "%s", "type": "function_call_output", "role": null, "text": "{\\"temp_c\\":21,\\"sky\\":\\"sunny\\"}",
					  "started_ms": null, "ended_ms": null, "truncated": false, "truncated_at_ms": null},
					 {"id": "%s", "type": "message", "role": "assistant", "text": "It is 21 degrees and sun",
					  "started_ms": 6000, "ended_ms": 9500, "truncated": true, "truncated_at_ms": 1200},
					 {"id": "%s", "type": "message", "role": "user", "text": "Thanks & bye <3 -->",
					  "started_ms": null, "ended_ms": null, "truncated": false, "truncated_at_ms": null}]}"""
				.formatted(fixture.sessionId(), fixture.conversationId(), fixture.ids().get(0), fixture.ids().get(1),
						fixture.ids().get(2), fixture.ids().get(3), fixture.ids().get(4)), JsonCompareMode.STRICT);
	}

	@Test
	void transcriptWhenTextThenOneLinePerItemWithSpeaker() {
		Fixture fixture = fixture();
		String body = read(fixture, "text", "text/plain;charset=UTF-8");
		assertThat(body).isEqualTo("""
				User: What's the weather in Paris?
				Function call: get_weather({"city":"Paris"})
				Function output: {"temp_c":21,"sky":"sunny"}
				Assistant: It is 21 degrees and sun…
				User: Thanks & bye <3 -->
				""");
	}

	@Test
	void transcriptWhenVttThenCuesOnTheSessionClockWithVoiceSpansAndEscapes() {
		Fixture fixture = fixture();
		String body = read(fixture, "vtt", "text/vtt;charset=UTF-8");
		assertThat(body).isEqualTo("""
				WEBVTT

				00:00:01.250 --> 00:00:03.900
				<v User>What's the weather in Paris?

				00:00:03.900 --> 00:00:04.900
				<v Function call>get_weather({"city":"Paris"})

				00:00:04.900 --> 00:00:05.900
				<v Function output>{"temp_c":21,"sky":"sunny"}

				00:00:06.000 --> 00:00:07.200
				<v Assistant>It is 21 degrees and sun…

				00:00:07.200 --> 00:00:08.200
				<v User>Thanks &amp; bye &lt;3 --&gt;
				""");
	}

	@Test
	void transcriptWhenSrtThenNumberedCuesWithCommaMillisAndSpeakerPrefix() {
		Fixture fixture = fixture();
		String body = read(fixture, "srt", "application/x-subrip;charset=UTF-8");
		assertThat(body).isEqualTo("""
				1
				00:00:01,250 --> 00:00:03,900
				User: What's the weather in Paris?

				2
				00:00:03,900 --> 00:00:04,900
				Function call: get_weather({"city":"Paris"})

				3
				00:00:04,900 --> 00:00:05,900
				Function output: {"temp_c":21,"sky":"sunny"}

				4
				00:00:06,000 --> 00:00:07,200
				Assistant: It is 21 degrees and sun…

				5
				00:00:07,200 --> 00:00:08,200
				User: Thanks & bye <3 -->
				""");
	}

	@Test
	void transcriptWhenSessionHasNoItemsThenEmptyInEveryFormat() {
		Reader tenant = newReader();
		String conversationId = newConversation(tenant.id());
		Fixture empty = new Fixture(tenant, conversationId, newSession(tenant.id(), conversationId), List.of());

		assertThat(read(empty, "vtt", "text/vtt;charset=UTF-8")).isEqualTo("WEBVTT\n");
		// an empty file: the test client reads an empty body as null
		assertThat(read(empty, "srt", "application/x-subrip;charset=UTF-8")).isNullOrEmpty();
		as(tenant.viewerKey()).get()
			.uri("/v1/sessions/{id}/transcript?format=json", empty.sessionId())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.items")
			.isEmpty();
	}

	@Test
	void transcriptWhenFormatIsUnknownThenValidationProblemNamingFormat() {
		Fixture fixture = fixture();
		as(fixture.tenant().viewerKey()).get()
			.uri("/v1/sessions/{id}/transcript?format=docx", fixture.sessionId())
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/validation-failed")
			.jsonPath("$.param")
			.isEqualTo("format");
	}

	@Test
	void transcriptWhenSessionIsUnknownThenNotFound() {
		Reader tenant = newReader();
		as(tenant.viewerKey()).get()
			.uri("/v1/sessions/{id}/transcript", "sess_01JDQ4S0X5V9M2KZ7W8T3H6R1C")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/not-found");
	}

	private String read(Fixture fixture, String format, String contentType) {
		return as(fixture.tenant().viewerKey()).get()
			.uri("/v1/sessions/{id}/transcript?format={format}", fixture.sessionId(), format)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(contentType)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	/** A session of a new tenant with the five items every format is checked against, in order. */
	private Fixture fixture() {
		Reader tenant = newReader();
		String conversationId = newConversation(tenant.id());
		String sessionId = newSession(tenant.id(), conversationId);
		TestItems items = new TestItems(tenant.id(), conversationId, sessionId);
		TestItems earlier = new TestItems(tenant.id(), conversationId, newSession(tenant.id(), conversationId));
		StoredItem fromEarlierSession = earlier.userText("Another session said this");
		StoredItem question = items.userAudio("What's the weather\nin Paris?", 1250, 3900);
		StoredItem call = items.functionCall("call_1", "get_weather", "{\"city\":\"Paris\"}");
		StoredItem output = items.functionOutput("call_1", "{\"temp_c\":21,\"sky\":\"sunny\"}");
		StoredItem answer = items.assistantAudio("It is 21 degrees and sunny in Paris.", 6000, 9500);
		StoredItem typed = items.userText("Thanks & bye <3 -->");
		StoredItem retracted = items.userAudio("Never mind", 9000, 9800);
		append(fromEarlierSession, question, call, output, answer, typed, retracted);
		this.store.truncate(tenant.id(), conversationId, answer.id(), 1200, "It is 21 degrees and sun",
				TestItems.heardOnly(answer, "It is 21 degrees and sun"))
			.then(this.store.delete(tenant.id(), conversationId, retracted.id()))
			.as(StepVerifier::create)
			.verifyComplete();
		return new Fixture(tenant, conversationId, sessionId,
				List.of(question.id(), call.id(), output.id(), answer.id(), typed.id()));
	}

	private record Fixture(Reader tenant, String conversationId, String sessionId, List<String> ids) {
	}

}

package io.duplex.session.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.duplex.session.audio.AudioFormat;
import io.duplex.session.protocol.ConversationItem.Message;
import io.duplex.session.protocol.ConversationItem.Role;
import io.duplex.session.protocol.ConversationItem.Status;
import io.duplex.session.protocol.RealtimeResponse.StatusDetails;
import io.duplex.session.protocol.RealtimeResponse.TokenCounts;
import io.duplex.session.protocol.RealtimeResponse.Usage;
import io.duplex.session.protocol.SessionConfig.MaxOutputTokens;
import io.duplex.session.protocol.SessionConfig.Modality;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every event {@link ServerEvents} writes validates against OpenAI's schema for its type, and
 * carries what clients read from it.
 */
class ServerEventsTests {

	private static final ContentRef REF = new ContentRef("resp_1", "item_2", 0, 0);

	private final JsonMapper json = JsonMapper.builder().build();

	private final ServerEvents events = new ServerEvents(this.json);

	private final RealtimeSchema schema = RealtimeSchema.get();

	@Test
	void everyFactoryWritesAValidEventOfItsType() {
		Map<String, String> all = everyEvent();
		all.forEach((type, event) -> {
			this.schema.assertValidServerEvent(event);
			assertThat(read(event).path("type").stringValue()).isEqualTo(type);
		});
	}

	@Test
	void everyPublicFactoryIsCoveredByTheValidationTest() {
		long factories = Arrays.stream(ServerEvents.class.getDeclaredMethods())
			.filter((method) -> java.lang.reflect.Modifier.isPublic(method.getModifiers()))
			.map((method) -> method.getName())
			.distinct()
			.count();
		// one type per factory name; the two audio delta overloads share one
		assertThat(everyEvent()).hasSize((int) factories);
	}

	@Test
	void everyEventHasAFreshEventId() {
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < 3; i++) {
			for (String event : everyEvent().values()) {
				String id = read(event).path("event_id").stringValue();
				assertThat(id).startsWith("event_").hasSize(32);
				assertThat(ids.add(id)).as("unique " + id).isTrue();
			}
		}
	}

	@Test
	void errorWritesEveryMemberWithNullsWhereUnknown() {
		JsonNode error = read(this.events.error(ProtocolError.invalidRequest(ProtocolError.INVALID_EVENT,
				"The 'type' field is missing.", null, "event_567"))).path("error");
		assertThat(error.path("type").stringValue()).isEqualTo("invalid_request_error");
		assertThat(error.path("code").stringValue()).isEqualTo("invalid_event");
		assertThat(error.path("message").stringValue()).isEqualTo("The 'type' field is missing.");
		assertThat(error.get("param").isNull()).isTrue();
		assertThat(error.path("event_id").stringValue()).isEqualTo("event_567");
	}

	@Test
	void errorForEveryDecoderFailureValidates() {
		ClientEventDecoder decoder = new ClientEventDecoder(this.json);
		for (String frame : List.of("{", "[]", "{}", "{\"type\": \"nope\"}", "{\"type\": \"input_audio_buffer.append\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"***\"}")) {
			this.schema.assertValidServerEvent(this.events.error((ProtocolError) decoder.decode(frame)));
		}
	}

	@Test
	void outputAudioDeltaIsBase64OfExactlyTheGivenBytes() {
		byte[] pcm = new byte[960];
		for (int i = 0; i < pcm.length; i++) {
			pcm[i] = (byte) (i * 7);
		}
		JsonNode delta = read(this.events.responseOutputAudioDelta(REF, pcm, 10, 480));
		assertThat(Base64.getDecoder().decode(delta.path("delta").stringValue()))
			.containsExactly(Arrays.copyOfRange(pcm, 10, 490));
		assertThat(delta.path("response_id").stringValue()).isEqualTo("resp_1");
		assertThat(delta.path("item_id").stringValue()).isEqualTo("item_2");
		assertThat(delta.path("output_index").intValue()).isZero();
		assertThat(delta.path("content_index").intValue()).isZero();
		assertThat(read(this.events.responseOutputAudioDelta(REF, new byte[0])).path("delta").stringValue()).isEmpty();
	}

	@Test
	void responseDoneUsageTotalsAddUp() {
		Usage usage = new Usage(new TokenCounts(119, 13, 0), new TokenCounts(64, 0, 0), new TokenCounts(30, 91, 0));
		JsonNode written = read(this.events.responseDone(started().finished(RealtimeResponse.Status.COMPLETED, null,
				List.of(assistantAudio("Loud and clear!")), usage))).path("response");
		JsonNode writtenUsage = written.path("usage");
		assertThat(writtenUsage.path("total_tokens").longValue()).isEqualTo(253);
		assertThat(writtenUsage.path("input_tokens").longValue()).isEqualTo(132);
		assertThat(writtenUsage.path("output_tokens").longValue()).isEqualTo(121);
		assertThat(writtenUsage.path("input_token_details").path("cached_tokens").longValue()).isEqualTo(64);
		assertThat(writtenUsage.path("input_token_details").path("cached_tokens_details").path("text_tokens").longValue())
			.isEqualTo(64);
		assertThat(writtenUsage.path("output_token_details").path("audio_tokens").longValue()).isEqualTo(91);
		assertThat(written.path("object").stringValue()).isEqualTo("realtime.response");
		assertThat(written.path("status").stringValue()).isEqualTo("completed");
		assertThat(written.has("status_details")).isFalse();
		assertThat(written.path("output").get(0).path("content").get(0).path("transcript").stringValue())
			.isEqualTo("Loud and clear!");
	}

	@Test
	void responseDoneWhenCancelledByTurnThenStatusDetails() {
		String done = this.events.responseDone(started().finished(RealtimeResponse.Status.CANCELLED,
				StatusDetails.cancelled("turn_detected"), List.of(), Usage.NONE));
		this.schema.assertValidServerEvent(done);
		JsonNode details = read(done).path("response").path("status_details");
		assertThat(details.path("type").stringValue()).isEqualTo("cancelled");
		assertThat(details.path("reason").stringValue()).isEqualTo("turn_detected");
		String failed = this.events.responseDone(started().finished(RealtimeResponse.Status.FAILED,
				StatusDetails.failed("server_error", "upstream_unavailable"), List.of(), Usage.NONE));
		this.schema.assertValidServerEvent(failed);
		assertThat(read(failed).path("response").path("status_details").path("error").path("code").stringValue())
			.isEqualTo("upstream_unavailable");
	}

	@Test
	void responseCreatedLeavesOutWhatIsNotKnownYet() {
		JsonNode response = read(this.events.responseCreated(started())).path("response");
		assertThat(response.path("status").stringValue()).isEqualTo("in_progress");
		assertThat(response.path("output").isEmpty()).isTrue();
		// the schema allows no null for these, though OpenAI's example writes one
		assertThat(response.has("usage")).isFalse();
		assertThat(response.has("status_details")).isFalse();
		assertThat(response.get("metadata").isNull()).isTrue();
		assertThat(response.path("max_output_tokens").stringValue()).isEqualTo("inf");
		assertThat(response.path("audio").path("output").path("format").path("rate").intValue()).isEqualTo(24_000);
	}

	@Test
	void itemEventsLeaveAudioOutButRetrievedHasIt() {
		Message user = new Message("item_u", Status.COMPLETED, Role.USER,
				List.of(new ConversationItem.InputAudio(new byte[] { 1, 2, 3 }, null)));
		JsonNode added = read(this.events.conversationItemAdded(null, user));
		assertThat(added.get("previous_item_id").isNull()).isTrue();
		JsonNode part = added.path("item").path("content").get(0);
		assertThat(part.path("type").stringValue()).isEqualTo("input_audio");
		assertThat(part.has("audio")).isFalse();
		assertThat(part.has("transcript")).isFalse();
		JsonNode retrieved = read(this.events.conversationItemRetrieved(user)).path("item").path("content").get(0);
		assertThat(retrieved.path("audio").stringValue()).isEqualTo("AQID");
	}

	@Test
	void contentPartsUseTheSchemaNamesTextAndAudio() {
		assertThat(read(this.events.responseContentPartAdded(REF, new ConversationItem.OutputAudio(null, null)))
			.path("part")
			.toString()).isEqualTo("{\"type\":\"audio\",\"transcript\":\"\"}");
		assertThat(read(this.events.responseContentPartDone(REF, new ConversationItem.OutputText("Hi."))).path("part")
			.toString()).isEqualTo("{\"type\":\"text\",\"text\":\"Hi.\"}");
	}

	@Test
	void sessionCreatedWritesTheEffectiveConfiguration() {
		JsonNode session = read(this.events.sessionCreated("sess_1", 1_756_324_625L, TestSessions.realtimeDefaults()))
			.path("session");
		assertThat(session.path("object").stringValue()).isEqualTo("realtime.session");
		assertThat(session.path("type").stringValue()).isEqualTo("realtime");
		assertThat(session.path("id").stringValue()).isEqualTo("sess_1");
		assertThat(session.path("expires_at").longValue()).isEqualTo(1_756_324_625L);
		assertThat(session.path("max_output_tokens").stringValue()).isEqualTo("inf");
		assertThat(session.get("tracing").isNull()).isTrue();
		JsonNode input = session.path("audio").path("input");
		assertThat(input.path("format").toString()).isEqualTo("{\"type\":\"audio/pcm\",\"rate\":24000}");
		assertThat(input.has("transcription")).isFalse();
		assertThat(input.has("noise_reduction")).isFalse();
		assertThat(input.path("turn_detection").path("type").stringValue()).isEqualTo("server_vad");
		assertThat(input.path("turn_detection").get("idle_timeout_ms").isNull()).isTrue();
		assertThat(session.path("audio").path("output").path("voice").stringValue()).isEqualTo("marin");
	}

	@Test
	void sessionUpdatedWithTelephonySettingsValidates() {
		String updated = this.events.sessionUpdated("sess_1", 1_756_324_625L, TestSessions.telephony());
		this.schema.assertValidServerEvent(updated);
		JsonNode session = read(updated).path("session");
		assertThat(session.path("audio").path("input").path("format").toString()).isEqualTo("{\"type\":\"audio/pcmu\"}");
		assertThat(session.path("audio").path("input").get("turn_detection").isNull()).isTrue();
		assertThat(session.path("audio").path("input").path("noise_reduction").path("type").stringValue())
			.isEqualTo("near_field");
		assertThat(session.path("audio").path("output").path("format").toString()).isEqualTo("{\"type\":\"audio/pcma\"}");
		assertThat(session.path("tools").get(0).path("parameters").path("type").stringValue()).isEqualTo("object");
		assertThat(session.path("tool_choice").path("name").stringValue()).isEqualTo("lookup");
		assertThat(session.path("truncation").path("retention_ratio").doubleValue()).isEqualTo(0.5);
		assertThat(session.path("tracing").stringValue()).isEqualTo("auto");
	}

	@Test
	void sessionWrittenBackDecodesToTheSameConfiguration() {
		SessionConfig telephony = TestSessions.telephony();
		JsonNode session = read(this.events.sessionUpdated("sess_1", 1L, telephony)).path("session");
		for (String serverOnly : List.of("id", "object", "expires_at")) {
			((tools.jackson.databind.node.ObjectNode) session).remove(serverOnly);
		}
		Decoded decoded = new ClientEventDecoder(this.json)
			.decode("{\"type\": \"session.update\", \"session\": " + session + "}");
		assertThat(decoded).isEqualTo(new ClientEvent.SessionUpdate(null, telephony));
	}

	@Test
	void transcriptionSessionWritesOnlyInput() {
		String created = this.events.sessionCreated("sess_2", 1L, TestSessions.transcription());
		this.schema.assertValidServerEvent(created);
		JsonNode session = read(created).path("session");
		assertThat(session.path("object").stringValue()).isEqualTo("realtime.transcription_session");
		assertThat(session.path("audio").has("output")).isFalse();
		assertThat(session.has("tracing")).isFalse();
	}

	/** One event of every type {@link ServerEvents} writes, by type. */
	private Map<String, String> everyEvent() {
		Message user = new Message("item_1", Status.COMPLETED, Role.USER,
				List.of(new ConversationItem.InputText("hi"), new ConversationItem.InputAudio(new byte[] { 1, 2 }, "hi")));
		ConversationItem.FunctionCall call = new ConversationItem.FunctionCall("item_3", Status.COMPLETED, "call_1",
				"get_weather", "{\"city\":\"Oslo\"}");
		List<String> events = new ArrayList<>();
		events.add(this.events.error(ProtocolError.serverError("upstream_unavailable", "The model is unavailable.", null)));
		events.add(this.events.sessionCreated("sess_1", 1_756_324_625L, TestSessions.realtimeDefaults()));
		events.add(this.events.sessionUpdated("sess_1", 1_756_324_625L, TestSessions.telephony()));
		events.add(this.events.conversationItemAdded(null, user));
		events.add(this.events.conversationItemDone("item_0", assistantAudio("Hello there.")));
		events.add(this.events.conversationItemRetrieved(new Message("item_2", Status.COMPLETED, Role.ASSISTANT,
				List.of(new ConversationItem.OutputAudio(new byte[] { 9, 9 }, "Hello there.")))));
		events.add(this.events.conversationItemTruncated("item_2", 0, 1500));
		events.add(this.events.conversationItemDeleted("item_2"));
		events.add(this.events.inputAudioTranscriptionDelta("item_1", 0, "Hey"));
		events.add(this.events.inputAudioTranscriptionCompleted("item_1", 0, "Hey, can you hear me?",
				new TranscriptionUsage.Tokens(0, 22, 13)));
		events.add(this.events.inputAudioTranscriptionFailed("item_1", 0,
				new ProtocolError("transcription_error", "audio_unintelligible", "The audio could not be transcribed.",
						null, null)));
		events.add(this.events.inputAudioBufferSpeechStarted(1000, "item_1"));
		events.add(this.events.inputAudioBufferSpeechStopped(2000, "item_1"));
		events.add(this.events.inputAudioBufferTimeoutTriggered(13_216, 19_232, "item_4"));
		events.add(this.events.inputAudioBufferCommitted("item_0", "item_1"));
		events.add(this.events.inputAudioBufferCleared());
		events.add(this.events.outputAudioBufferCleared("resp_1"));
		events.add(this.events.responseCreated(started()));
		events.add(this.events.responseDone(started().finished(RealtimeResponse.Status.COMPLETED, null,
				List.of(assistantAudio("Hello there."), call),
				new Usage(new TokenCounts(119, 13, 0), new TokenCounts(64, 0, 0), new TokenCounts(30, 91, 0)))));
		events.add(this.events.responseOutputItemAdded("resp_1", 0,
				new Message("item_2", Status.IN_PROGRESS, Role.ASSISTANT, List.of())));
		events.add(this.events.responseOutputItemDone("resp_1", 1, call));
		events.add(this.events.responseContentPartAdded(REF, new ConversationItem.OutputAudio(null, "")));
		events.add(this.events.responseContentPartDone(REF, new ConversationItem.OutputText("Hello there.")));
		events.add(this.events.responseOutputAudioDelta(REF, new byte[] { 0, 1, 2, 3 }));
		events.add(this.events.responseOutputAudioDone(REF));
		events.add(this.events.responseOutputAudioTranscriptDelta(REF, "Hel"));
		events.add(this.events.responseOutputAudioTranscriptDone(REF, "Hello there."));
		events.add(this.events.responseOutputTextDelta(REF, "Hel"));
		events.add(this.events.responseOutputTextDone(REF, "Hello there."));
		events.add(this.events.responseFunctionCallArgumentsDelta("resp_1", "item_3", 1, "call_1", "{\"city\""));
		events.add(this.events.responseFunctionCallArgumentsDone("resp_1", "item_3", 1, "call_1", "get_weather",
				"{\"city\":\"Oslo\"}"));
		events.add(this.events.rateLimitsUpdated(
				List.of(new RateLimit("requests", 1000, 999, 60), new RateLimit("tokens", 50_000, 49_950, 60))));
		// vendor events: no OpenAI schema, only the envelope is checked
		events.add(this.events.sessionRollover("completed", 2, "scheduled", 14));
		events.add(this.events.sessionExpiring("max_duration", 1_795_310_400L, 60));
		events.add(this.events.sessionResumable("rt_" + "k".repeat(48), 60));
		Map<String, String> byType = new LinkedHashMap<>();
		for (String event : events) {
			byType.put(read(event).path("type").stringValue(), event);
		}
		assertThat(byType).hasSameSizeAs(events);
		return byType;
	}

	private static RealtimeResponse started() {
		return RealtimeResponse.started("resp_1", "conv_1", List.of(Modality.AUDIO), MaxOutputTokens.INF,
				AudioFormat.PCM16, "marin", null);
	}

	private static Message assistantAudio(String transcript) {
		return new Message("item_2", Status.COMPLETED, Role.ASSISTANT,
				List.of(new ConversationItem.OutputAudio(null, transcript)));
	}

	private JsonNode read(String event) {
		return this.json.readTree(event);
	}

}

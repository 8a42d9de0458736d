package io.duplex.session.protocol;

import java.util.Base64;
import java.util.List;

import io.duplex.session.audio.AudioFormat;
import io.duplex.session.protocol.ClientEvent.ConversationItemCreate;
import io.duplex.session.protocol.ClientEvent.ResponseCreate;
import io.duplex.session.protocol.ConversationItem.ItemReference;
import io.duplex.session.protocol.ConversationItem.Message;
import io.duplex.session.protocol.ConversationItem.Role;
import io.duplex.session.protocol.SessionConfig.MaxOutputTokens;
import io.duplex.session.protocol.SessionConfig.Modality;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Happy paths: every client event of the GA protocol decodes to its record. Every frame here is
 * first checked against OpenAI's schema for that event, so the examples are ones OpenAI accepts.
 */
class ClientEventDecoderTests {

	private final ClientEventDecoder decoder = new ClientEventDecoder(JsonMapper.builder().build());

	@Test
	void decodeWhenSessionUpdateThenSessionConfig() {
		ClientEvent.SessionUpdate update = decodeValid("""
				{"event_id": "evt_1", "type": "session.update",
				 "session": {"type": "realtime", "instructions": "Be brief.", "output_modalities": ["text"]}}""",
				ClientEvent.SessionUpdate.class);
		assertThat(update.eventId()).isEqualTo("evt_1");
		assertThat(update.session().type()).isEqualTo(SessionConfig.Type.REALTIME);
		assertThat(update.session().instructions()).isEqualTo("Be brief.");
		assertThat(update.session().outputModalities()).containsExactly(Modality.TEXT);
		assertThat(update.session().model()).isNull();
		assertThat(update.session().input()).isNull();
	}

	@Test
	void decodeWhenAppendThenAudioIsDecodedBytes() {
		byte[] pcm = { 0, 1, 2, 3, (byte) 0xff, (byte) 0x80 };
		ClientEvent.InputAudioBufferAppend append = decodeValid("""
				{"event_id": "evt_2", "type": "input_audio_buffer.append", "audio": "%s"}"""
			.formatted(Base64.getEncoder().encodeToString(pcm)), ClientEvent.InputAudioBufferAppend.class);
		assertThat(append.audio()).containsExactly(pcm);
		assertThat(append.eventId()).isEqualTo("evt_2");
	}

	@Test
	void decodeWhenAppendWithoutPaddingThenAccepted() {
		ClientEvent.InputAudioBufferAppend append = decodeValid("""
				{"type": "input_audio_buffer.append", "audio": "AAEC"}""", ClientEvent.InputAudioBufferAppend.class);
		assertThat(append.audio()).containsExactly(0, 1, 2);
		assertThat(decode("""
				{"type": "input_audio_buffer.append", "audio": "AAE"}""")).isInstanceOf(ClientEvent.InputAudioBufferAppend.class);
	}

	@Test
	void decodeWhenBufferCommitClearAndOutputClearThenEventIdsKept() {
		assertThat(decodeValid("""
				{"event_id": "evt_3", "type": "input_audio_buffer.commit"}""", ClientEvent.InputAudioBufferCommit.class)
			.eventId()).isEqualTo("evt_3");
		assertThat(decodeValid("""
				{"type": "input_audio_buffer.clear"}""", ClientEvent.InputAudioBufferClear.class).eventId()).isNull();
		assertThat(decodeValid("""
				{"event_id": "evt_4", "type": "output_audio_buffer.clear"}""", ClientEvent.OutputAudioBufferClear.class)
			.eventId()).isEqualTo("evt_4");
	}

	@Test
	void decodeWhenItemCreateWithUserTextThenMessage() {
		ConversationItemCreate create = decodeValid("""
				{"type": "conversation.item.create", "previous_item_id": "root",
				 "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}}""",
				ConversationItemCreate.class);
		assertThat(create.previousItemId()).isEqualTo("root");
		assertThat(create.item()).isEqualTo(new Message(null, null, Role.USER, List.of(new ConversationItem.InputText("hi"))));
	}

	@Test
	void decodeWhenItemCreateWithoutPreviousItemThenAppends() {
		ConversationItemCreate create = decodeValid("""
				{"type": "conversation.item.create",
				 "item": {"id": "item_client_1", "object": "realtime.item", "type": "message", "status": "completed",
				          "role": "system", "content": [{"type": "input_text", "text": "The user is a pilot."}]}}""",
				ConversationItemCreate.class);
		assertThat(create.previousItemId()).isNull();
		assertThat(create.item().id()).isEqualTo("item_client_1");
		assertThat(((Message) create.item()).status()).isEqualTo(ConversationItem.Status.COMPLETED);
		assertThat(((Message) create.item()).role()).isEqualTo(Role.SYSTEM);
	}

	@Test
	void decodeWhenItemCreateWithUserAudioAndImageThenPartsDecoded() {
		ConversationItemCreate create = decodeValid("""
				{"type": "conversation.item.create",
				 "item": {"type": "message", "role": "user", "content": [
				   {"type": "input_audio", "audio": "AAECAw==", "transcript": "hello"},
				   {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}]}}""",
				ConversationItemCreate.class);
		List<ConversationItem.ContentPart> content = ((Message) create.item()).content();
		ConversationItem.InputAudio audio = (ConversationItem.InputAudio) content.get(0);
		assertThat(audio.audio()).containsExactly(0, 1, 2, 3);
		assertThat(audio.transcript()).isEqualTo("hello");
		assertThat(content.get(1)).isEqualTo(new ConversationItem.InputImage("data:image/png;base64,iVBORw0KGgo=", "low"));
	}

	@Test
	void decodeWhenItemCreateWithAssistantHistoryThenOutputParts() {
		ConversationItemCreate create = decodeValid("""
				{"type": "conversation.item.create",
				 "item": {"type": "message", "role": "assistant", "content": [
				   {"type": "output_text", "text": "Sure."}, {"type": "output_audio", "transcript": "Of course."}]}}""",
				ConversationItemCreate.class);
		List<ConversationItem.ContentPart> content = ((Message) create.item()).content();
		assertThat(content.get(0)).isEqualTo(new ConversationItem.OutputText("Sure."));
		ConversationItem.OutputAudio audio = (ConversationItem.OutputAudio) content.get(1);
		assertThat(audio.audio()).isNull();
		assertThat(audio.transcript()).isEqualTo("Of course.");
	}

	@Test
	void decodeWhenItemCreateWithFunctionCallAndOutputThenBoth() {
		ConversationItemCreate call = decodeValid("""
				{"type": "conversation.item.create", "item": {"type": "function_call", "call_id": "call_1",
				 "name": "get_weather", "arguments": "{\\"city\\": \\"Oslo\\"}"}}""", ConversationItemCreate.class);
		assertThat(call.item()).isEqualTo(
				new ConversationItem.FunctionCall(null, null, "call_1", "get_weather", "{\"city\": \"Oslo\"}"));
		ConversationItemCreate output = decodeValid("""
				{"type": "conversation.item.create",
				 "item": {"type": "function_call_output", "call_id": "call_1", "output": "{\\"temp\\": 21}"}}""",
				ConversationItemCreate.class);
		assertThat(output.item())
			.isEqualTo(new ConversationItem.FunctionCallOutput(null, null, "call_1", "{\"temp\": 21}"));
	}

	@Test
	void decodeWhenRetrieveDeleteAndTruncateThenItemIds() {
		assertThat(decodeValid("""
				{"event_id": "evt_5", "type": "conversation.item.retrieve", "item_id": "item_003"}""",
				ClientEvent.ConversationItemRetrieve.class))
			.isEqualTo(new ClientEvent.ConversationItemRetrieve("evt_5", "item_003"));
		assertThat(decodeValid("""
				{"type": "conversation.item.delete", "item_id": "item_004"}""", ClientEvent.ConversationItemDelete.class))
			.isEqualTo(new ClientEvent.ConversationItemDelete(null, "item_004"));
		assertThat(decodeValid("""
				{"event_id": "evt_6", "type": "conversation.item.truncate", "item_id": "item_002",
				 "content_index": 0, "audio_end_ms": 1500}""", ClientEvent.ConversationItemTruncate.class))
			.isEqualTo(new ClientEvent.ConversationItemTruncate("evt_6", "item_002", 0, 1500));
	}

	@Test
	void decodeWhenTruncateWithWholeDecimalThenAccepted() {
		// a Python client computing milliseconds with floats sends 1500.0; 1500.5 is refused (see the error tests)
		assertThat(decode("""
				{"type": "conversation.item.truncate", "item_id": "item_002", "content_index": 0, "audio_end_ms": 1500.0}"""))
			.isEqualTo(new ClientEvent.ConversationItemTruncate(null, "item_002", 0, 1500));
	}

	@Test
	void decodeWhenResponseCreateWithoutResponseThenNoOverrides() {
		assertThat(decodeValid("""
				{"type": "response.create"}""", ResponseCreate.class).response()).isNull();
	}

	@Test
	void decodeWhenResponseCreateOutOfBandThenConfigAndInput() {
		ResponseCreate create = decodeValid("""
				{"event_id": "evt_7", "type": "response.create", "response": {
				   "instructions": "Provide a concise answer.", "tools": [], "conversation": "none",
				   "output_modalities": ["text"], "metadata": {"response_purpose": "summarization"},
				   "max_output_tokens": 200, "tool_choice": "none",
				   "audio": {"output": {"format": {"type": "audio/pcmu"}, "voice": "marin"}},
				   "input": [{"type": "message", "role": "user",
				              "content": [{"type": "input_text", "text": "Summarize the above message in one sentence."}]}]}}""",
				ResponseCreate.class);
		ResponseConfig response = create.response();
		assertThat(response).isNotNull();
		assertThat(response.isOutOfBand()).isTrue();
		assertThat(response.instructions()).isEqualTo("Provide a concise answer.");
		assertThat(response.tools()).isEmpty();
		assertThat(response.toolChoice()).isEqualTo(new ToolChoice.Mode("none"));
		assertThat(response.outputModalities()).containsExactly(Modality.TEXT);
		assertThat(response.metadata()).containsEntry("response_purpose", "summarization");
		assertThat(response.maxOutputTokens()).isEqualTo(MaxOutputTokens.of(200));
		assertThat(response.outputFormat()).isEqualTo(AudioFormat.PCMU);
		assertThat(response.voice()).isEqualTo(SessionConfig.Voice.named("marin"));
		assertThat(response.input()).singleElement()
			.isEqualTo(new Message(null, null, Role.USER,
					List.of(new ConversationItem.InputText("Summarize the above message in one sentence."))));
	}

	@Test
	void decodeWhenResponseInputReferencesAnItemThenItemReference() {
		// OpenAI documents item_reference in response.input (it is in its own example), but the schema's item
		// union lacks it, so this frame cannot pass the schema check
		ResponseCreate create = (ResponseCreate) decode("""
				{"type": "response.create", "response": {"conversation": "none",
				 "input": [{"type": "item_reference", "id": "item_12345"}]}}""");
		assertThat(create.response().input()).containsExactly(new ItemReference("item_12345"));
	}

	@Test
	void decodeWhenResponseCreateWithInfTokensThenInf() {
		ResponseCreate create = decodeValid("""
				{"type": "response.create", "response": {"max_output_tokens": "inf", "conversation": "auto"}}""",
				ResponseCreate.class);
		assertThat(create.response().maxOutputTokens()).isEqualTo(MaxOutputTokens.INF);
		assertThat(create.response().isOutOfBand()).isFalse();
	}

	@Test
	void decodeWhenResponseCancelThenOptionalResponseId() {
		assertThat(decodeValid("""
				{"type": "response.cancel", "response_id": "resp_12345"}""", ClientEvent.ResponseCancel.class))
			.isEqualTo(new ClientEvent.ResponseCancel(null, "resp_12345"));
		assertThat(decodeValid("""
				{"event_id": "evt_8", "type": "response.cancel"}""", ClientEvent.ResponseCancel.class))
			.isEqualTo(new ClientEvent.ResponseCancel("evt_8", null));
	}

	@Test
	void decodeWhenEventIdNullThenNone() {
		assertThat(decode("""
				{"event_id": null, "type": "input_audio_buffer.commit"}"""))
			.isEqualTo(new ClientEvent.InputAudioBufferCommit(null));
	}

	@Test
	void decodeWhenMembersInAnyOrderThenSameEvent() {
		assertThat(decode("""
				{"item_id": "item_1", "type": "conversation.item.delete", "event_id": "e"}"""))
			.isEqualTo(new ClientEvent.ConversationItemDelete("e", "item_1"));
	}

	@Test
	void everyClientEventTypeOfTheSchemaIsDecoded() {
		// the schema's client union is the GA protocol; each of its types must reach a record, not invalid_value
		for (String type : RealtimeSchema.get().clientEventTypes()) {
			Decoded decoded = this.decoder.decode("{\"type\": \"" + type + "\"}");
			if (decoded instanceof ProtocolError error) {
				assertThat(error.code()).as(type).isEqualTo(ProtocolError.MISSING_REQUIRED_PARAMETER);
			}
			else {
				assertThat(((ClientEvent) decoded).type()).isEqualTo(type);
			}
		}
	}

	private Decoded decode(String frame) {
		return this.decoder.decode(frame);
	}

	/** Checks {@code frame} against OpenAI's schema, then decodes it as an event of {@code type}. */
	private <T extends ClientEvent> T decodeValid(String frame, Class<T> type) {
		RealtimeSchema.get().assertValidClientEvent(frame);
		Decoded decoded = this.decoder.decode(frame);
		assertThat(decoded).isInstanceOf(type);
		return type.cast(decoded);
	}

}

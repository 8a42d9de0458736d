package io.duplex.session.protocol;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schema check itself: it finds the schemas, and it fails when it should, or it proves nothing. */
class RealtimeSchemaTests {

	private final RealtimeSchema schema = RealtimeSchema.get();

	@Test
	void typesComeFromTheUnionsOfTheDocument() {
		assertThat(this.schema.clientEventTypes()).containsExactlyInAnyOrder("session.update",
				"input_audio_buffer.append", "input_audio_buffer.commit", "input_audio_buffer.clear",
				"conversation.item.create", "conversation.item.retrieve", "conversation.item.truncate",
				"conversation.item.delete", "response.create", "response.cancel", "output_audio_buffer.clear");
		assertThat(this.schema.serverEventTypes()).contains("error", "session.created", "conversation.item.added",
				"response.output_audio.delta", "response.done", "rate_limits.updated")
			.doesNotContain("response.audio.delta");
		assertThat(this.schema.serverSchemaName("response.done")).isEqualTo("RealtimeServerEventResponseDone");
		assertThat(this.schema.clientSchemaName("session.update")).isEqualTo("RealtimeClientEventSessionUpdate");
	}

	@Test
	void validServerEventPasses() {
		assertThat(this.schema.validateServerEvent("""
				{"type": "input_audio_buffer.speech_started", "event_id": "event_1", "audio_start_ms": 1000, "item_id": "item_1"}"""))
			.isEmpty();
	}

	@Test
	void serverEventMissingARequiredMemberFails() {
		List<String> problems = this.schema.validateServerEvent("""
				{"type": "input_audio_buffer.speech_started", "event_id": "event_1", "audio_start_ms": 1000}""");
		assertThat(problems).singleElement().asString().contains("item_id");
	}

	@Test
	void serverEventWithAWrongTypedMemberFails() {
		assertThat(this.schema.validateServerEvent("""
				{"type": "input_audio_buffer.speech_started", "event_id": "event_1", "audio_start_ms": "1000", "item_id": "i"}"""))
			.singleElement()
			.asString()
			.contains("/audio_start_ms");
		assertThat(this.schema.validateServerEvent("""
				{"type": "response.done", "event_id": "event_1", "response": {"status": "finished", "usage": {"total_tokens": 1.5}}}"""))
			.anyMatch((problem) -> problem.contains("/response/status"))
			.anyMatch((problem) -> problem.contains("/response/usage/total_tokens"));
	}

	@Test
	void serverEventWithoutEventIdFails() {
		assertThat(this.schema.validateServerEvent("{\"type\": \"input_audio_buffer.cleared\"}"))
			.singleElement()
			.asString()
			.contains("event_id");
	}

	@Test
	void nestedItemsAreChecked() {
		// an assistant message with a beta content type matches none of the item variants
		assertThat(this.schema.validateServerEvent("""
				{"type": "conversation.item.done", "event_id": "event_1", "previous_item_id": null,
				 "item": {"type": "message", "role": "assistant", "content": [{"type": "text", "text": "hi"}]}}"""))
			.isNotEmpty();
	}

	@Test
	void unknownOrMissingTypeOrBadJsonFails() {
		assertThat(this.schema.validateServerEvent("{\"type\": \"response.audio.delta\", \"event_id\": \"e\"}"))
			.containsExactly("no schema for the server event type 'response.audio.delta'");
		assertThat(this.schema.validateServerEvent("{\"event_id\": \"e\"}")).containsExactly("no string 'type' member");
		assertThat(this.schema.validateServerEvent("[]")).containsExactly("not a JSON object");
		assertThat(this.schema.validateServerEvent("{")).singleElement().asString().startsWith("not JSON");
		assertThat(this.schema.validateClientEvent("{\"type\": \"session.created\"}"))
			.containsExactly("no schema for the client event type 'session.created'");
	}

	@Test
	void vendorEventsNeedOnlyAnEnvelope() {
		assertThat(this.schema.validateServerEvent("{\"type\": \"duplex.rollover\", \"event_id\": \"event_1\"}")).isEmpty();
		assertThat(this.schema.validateServerEvent("{\"type\": \"duplex.rollover\"}")).isNotEmpty();
	}

	@Test
	void assertValidFailsWithTheProblemsAndTheEvent() {
		String event = "{\"type\": \"conversation.item.deleted\", \"event_id\": \"event_1\"}";
		assertThatThrownBy(() -> this.schema.assertValidServerEvent(event)).isInstanceOf(AssertionError.class)
			.hasMessageContaining("item_id")
			.hasMessageContaining(event);
	}

	@Test
	void clientEventsAreCheckedToo() {
		assertThat(this.schema.validateClientEvent("""
				{"type": "conversation.item.truncate", "item_id": "item_1", "content_index": 0, "audio_end_ms": 1500}"""))
			.isEmpty();
		assertThat(this.schema.validateClientEvent("""
				{"type": "conversation.item.truncate", "item_id": "item_1", "content_index": 0, "audio_end_ms": 1500.5}"""))
			.isNotEmpty();
		assertThat(this.schema.validateClientEvent("""
				{"type": "session.update", "session": {"instructions": "no type"}}""")).isNotEmpty();
	}

	@Test
	void openApiIdiomsAreConverted() {
		// nullable: true
		assertThat(this.schema.validateClientEvent("""
				{"type": "session.update", "session": {"type": "realtime", "tracing": null}}""")).isEmpty();
		// default: null
		assertThat(this.schema.validateClientEvent("""
				{"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"noise_reduction": null}}}}"""))
			.isEmpty();
		// oneOf of a string and a string enum
		assertThat(this.schema.validateClientEvent("""
				{"type": "response.create", "response": {"conversation": "none"}}""")).isEmpty();
		// but null stays refused where the document gives no sign of it
		assertThat(this.schema.validateClientEvent("""
				{"type": "session.update", "session": {"type": "realtime", "instructions": null}}""")).isNotEmpty();
	}

	@Test
	void officialErrorExampleValidates() {
		assertThat(this.schema.validateServerEvent("""
				{"event_id": "event_890", "type": "error", "error": {"type": "invalid_request_error",
				 "code": "invalid_event", "message": "The 'type' field is missing.", "param": null, "event_id": "event_567"}}"""))
			.isEmpty();
	}

	@Test
	void anyComponentCanBeCheckedByName() {
		assertThat(this.schema.validate("RealtimeAudioFormats", "{\"type\": \"audio/pcmu\"}")).isEmpty();
		assertThat(this.schema.validate("RealtimeAudioFormats", "{\"type\": \"audio/pcm\", \"rate\": 16000}")).isNotEmpty();
		assertThatThrownBy(() -> this.schema.validate("NoSuchSchema", "{}")).isInstanceOf(IllegalArgumentException.class);
	}

}

package io.duplex.session.protocol;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad frames: each becomes the {@link ProtocolError} OpenAI would answer with, naming the
 * offending field in {@code param} and echoing the event's {@code event_id} whenever it could be
 * read, and none of them throws.
 */
class ClientEventDecoderErrorTests {

	private final ClientEventDecoder decoder = new ClientEventDecoder(JsonMapper.builder().build());

	@Test
	void decodeWhenMalformedJsonThenInvalidJson() {
		ProtocolError error = decodeError("{\"type\": \"input_audio_buffer.commit\", ");
		assertError(error, ProtocolError.INVALID_JSON, null, null);
		assertThat(error.message()).startsWith("The event is not valid JSON: ");
	}

	@Test
	void decodeWhenTrailingGarbageOrEmptyThenInvalidJson() {
		assertError(decodeError("{\"type\": \"input_audio_buffer.commit\"} x"), ProtocolError.INVALID_JSON, null, null);
		assertError(decodeError("not json at all"), ProtocolError.INVALID_JSON, null, null);
		ProtocolError empty = decodeError("   ");
		assertError(empty, ProtocolError.INVALID_JSON, null, null);
		assertThat(empty.message()).isEqualTo("The event is empty.");
	}

	@Test
	void decodeWhenNotAnObjectThenInvalidEvent() {
		ProtocolError error = decodeError("[{\"type\": \"input_audio_buffer.commit\"}]");
		assertError(error, ProtocolError.INVALID_EVENT, null, null);
		assertThat(error.message()).isEqualTo("The event must be a JSON object, but got an array instead.");
		assertThat(decodeError("\"session.update\"").message())
			.isEqualTo("The event must be a JSON object, but got a string instead.");
		assertError(decodeError("null"), ProtocolError.INVALID_EVENT, null, null);
	}

	@Test
	void decodeWhenTypeMissingThenInvalidEventWithEventId() {
		ProtocolError error = decodeError("{\"event_id\": \"event_567\", \"audio\": \"AAAA\"}");
		// OpenAI's own example of this error, word for word
		assertError(error, ProtocolError.INVALID_EVENT, null, "event_567");
		assertThat(error.message()).isEqualTo("The 'type' field is missing.");
		assertError(decodeError("{\"type\": null}"), ProtocolError.INVALID_EVENT, null, null);
	}

	@Test
	void decodeWhenTypeNotAStringThenInvalidType() {
		ProtocolError error = decodeError("{\"event_id\": \"e1\", \"type\": 42}");
		assertError(error, ProtocolError.INVALID_TYPE, "type", "e1");
		assertThat(error.message()).isEqualTo("Invalid type for 'type': expected a string, but got an integer instead.");
	}

	@Test
	void decodeWhenUnknownTypeThenInvalidValueListingSupportedTypes() {
		ProtocolError error = decodeError("{\"event_id\": \"e2\", \"type\": \"transcription_session.update\", \"session\": {}}");
		assertError(error, ProtocolError.INVALID_VALUE, "type", "e2");
		assertThat(error.message()).startsWith("Invalid value: 'transcription_session.update'. Supported values are: "
				+ "'session.update', 'input_audio_buffer.append', 'input_audio_buffer.commit', ");
		assertThat(error.message()).endsWith("'output_audio_buffer.clear'.");
	}

	@Test
	void decodeWhenBetaEventNameThenInvalidValue() {
		assertError(decodeError("{\"type\": \"response.audio.delta\"}"), ProtocolError.INVALID_VALUE, "type", null);
	}

	@Test
	void decodeWhenRequiredFieldMissingThenMissingRequiredParameter() {
		ProtocolError error = decodeError("{\"event_id\": \"e3\", \"type\": \"conversation.item.truncate\", "
				+ "\"item_id\": \"item_1\", \"content_index\": 0}");
		assertError(error, ProtocolError.MISSING_REQUIRED_PARAMETER, "audio_end_ms", "e3");
		assertThat(error.message()).isEqualTo("Missing required parameter: 'audio_end_ms'.");
	}

	@Test
	void decodeWhenNestedRequiredFieldMissingThenPathOfIt() {
		ProtocolError error = decodeError("""
				{"event_id": "e4", "type": "conversation.item.create",
				 "item": {"type": "message", "role": "assistant", "content": [{"type": "output_text"}]}}""");
		assertError(error, ProtocolError.MISSING_REQUIRED_PARAMETER, "item.content[0].text", "e4");
		assertThat(error.message()).isEqualTo("Missing required parameter: 'item.content[0].text'.");
	}

	@Test
	void decodeWhenRequiredFieldNullThenMissing() {
		assertError(decodeError("{\"type\": \"conversation.item.delete\", \"item_id\": null}"),
				ProtocolError.MISSING_REQUIRED_PARAMETER, "item_id", null);
	}

	@Test
	void decodeWhenWrongTypedFieldThenInvalidType() {
		// the error OpenAI gave clients that played audio at speed 1.1 and computed a fractional audio_end_ms
		ProtocolError error = decodeError("""
				{"event_id": "e5", "type": "conversation.item.truncate", "item_id": "item_1",
				 "content_index": 0, "audio_end_ms": 1500.5}""");
		assertError(error, ProtocolError.INVALID_TYPE, "audio_end_ms", "e5");
		assertThat(error.message())
			.isEqualTo("Invalid type for 'audio_end_ms': expected an integer, but got a decimal number instead.");
	}

	@Test
	void decodeWhenNestedWrongTypeThenPathOfIt() {
		ProtocolError error = decodeError("""
				{"type": "conversation.item.create",
				 "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": 7}]}}""");
		assertError(error, ProtocolError.INVALID_TYPE, "item.content[0].text", null);
		assertThat(decodeError("{\"type\": \"conversation.item.create\", \"item\": [] }").param()).isEqualTo("item");
		assertThat(decodeError("{\"type\": \"input_audio_buffer.append\", \"audio\": 5}").message())
			.isEqualTo("Invalid type for 'audio': expected a string, but got an integer instead.");
	}

	@Test
	void decodeWhenInvalidBase64ThenInvalidBase64OnAudio() {
		ProtocolError error = decodeError("{\"event_id\": \"e6\", \"type\": \"input_audio_buffer.append\", \"audio\": \"not*base64!\"}");
		assertError(error, ProtocolError.INVALID_BASE64, "audio", "e6");
		assertThat(error.message()).isEqualTo("Invalid 'audio': expected base64-encoded audio bytes, but got an invalid value.");
	}

	@Test
	void decodeWhenBase64HasLineBreaksOrUrlAlphabetThenInvalidBase64() {
		assertError(decodeError("{\"type\": \"input_audio_buffer.append\", \"audio\": \"AAAA\\nAAAA\"}"),
				ProtocolError.INVALID_BASE64, "audio", null);
		assertError(decodeError("{\"type\": \"input_audio_buffer.append\", \"audio\": \"-_-_\"}"),
				ProtocolError.INVALID_BASE64, "audio", null);
	}

	@Test
	void decodeWhenContentPartAudioIsInvalidBase64ThenPathOfIt() {
		ProtocolError error = decodeError("""
				{"type": "conversation.item.create",
				 "item": {"type": "message", "role": "user", "content": [{"type": "input_audio", "audio": "%%%"}]}}""");
		assertError(error, ProtocolError.INVALID_BASE64, "item.content[0].audio", null);
	}

	@Test
	void decodeWhenFrameOverFifteenMebibytesThenEventTooLargeWithoutParsing() {
		String audio = "A".repeat(ClientEventDecoder.MAX_FRAME_BYTES);
		// a valid event except for its size, and a broken one: both are refused on size alone
		ProtocolError error = decodeError("{\"event_id\": \"e7\", \"type\": \"input_audio_buffer.append\", \"audio\": \"" + audio + "\"}");
		assertError(error, ProtocolError.EVENT_TOO_LARGE, null, null);
		assertThat(error.message()).isEqualTo("The event is larger than the limit of 15 MiB (15728640 bytes).");
		assertError(decodeError("{" + audio), ProtocolError.EVENT_TOO_LARGE, null, null);
	}

	@Test
	void decodeWhenFrameJustUnderTheLimitThenDecoded() {
		String prefix = "{\"type\": \"input_audio_buffer.append\", \"audio\": \"";
		int room = ClientEventDecoder.MAX_FRAME_BYTES - prefix.length() - 2;
		String frame = prefix + "A".repeat(room - room % 4) + "\"}";
		assertThat(this.decoder.decode(frame)).isInstanceOf(ClientEvent.InputAudioBufferAppend.class);
	}

	@Test
	void exceedsWhenMultibyteCharsThenCountsUtf8Bytes() {
		assertThat(ClientEventDecoder.exceeds("é".repeat(6), 12)).isFalse();
		assertThat(ClientEventDecoder.exceeds("é".repeat(7), 12)).isTrue();
		assertThat(ClientEventDecoder.exceeds("€".repeat(4), 12)).isFalse();
		assertThat(ClientEventDecoder.exceeds("€".repeat(5), 12)).isTrue();
		// one emoji is a surrogate pair: 2 chars, 4 bytes
		assertThat(ClientEventDecoder.exceeds("😀".repeat(3), 12)).isFalse();
		assertThat(ClientEventDecoder.exceeds("😀".repeat(3) + "a", 12)).isTrue();
		assertThat(ClientEventDecoder.exceeds("a".repeat(13), 12)).isTrue();
	}

	@Test
	void decodeWhenUnknownMemberThenUnknownParameter() {
		ProtocolError error = decodeError("{\"event_id\": \"e8\", \"type\": \"input_audio_buffer.commit\", \"audio\": \"AAAA\"}");
		assertError(error, ProtocolError.UNKNOWN_PARAMETER, "audio", "e8");
		assertThat(error.message()).isEqualTo("Unknown parameter: 'audio'.");
	}

	@Test
	void decodeWhenContentTypeNotAllowedForRoleThenInvalidValueWithGaNames() {
		// replaying beta history: assistant "text" parts are output_text in GA
		ProtocolError error = decodeError("""
				{"type": "conversation.item.create",
				 "item": {"type": "message", "role": "assistant", "content": [{"type": "text", "text": "hi"}]}}""");
		assertError(error, ProtocolError.INVALID_VALUE, "item.content[0].type", null);
		assertThat(error.message()).isEqualTo("Invalid value: 'text'. Supported values are: 'output_text', 'output_audio'.");
		assertError(decodeError("""
				{"type": "conversation.item.create",
				 "item": {"type": "message", "role": "system", "content": [{"type": "input_audio", "audio": ""}]}}"""),
				ProtocolError.INVALID_VALUE, "item.content[0].type", null);
	}

	@Test
	void decodeWhenItemReferenceOutsideResponseInputThenInvalidValue() {
		assertError(decodeError("{\"type\": \"conversation.item.create\", \"item\": {\"type\": \"item_reference\", \"id\": \"item_1\"}}"),
				ProtocolError.INVALID_VALUE, "item.type", null);
	}

	@Test
	void decodeWhenRoleUnknownThenInvalidValue() {
		assertError(decodeError("""
				{"type": "conversation.item.create", "item": {"type": "message", "role": "developer", "content": []}}"""),
				ProtocolError.INVALID_VALUE, "item.role", null);
	}

	@Test
	void decodeWhenNegativeOrHugeIntegersThenRangeCodes() {
		ProtocolError negative = decodeError("""
				{"type": "conversation.item.truncate", "item_id": "i", "content_index": 0, "audio_end_ms": -11}""");
		assertError(negative, ProtocolError.INTEGER_BELOW_MIN_VALUE, "audio_end_ms", null);
		assertThat(negative.message())
			.isEqualTo("Invalid 'audio_end_ms': integer below minimum value. Expected a value >= 0, but got -11 instead.");
		assertError(decodeError("""
				{"type": "conversation.item.truncate", "item_id": "i", "content_index": 0, "audio_end_ms": 99999999999999999999999}"""),
				ProtocolError.INTEGER_ABOVE_MAX_VALUE, "audio_end_ms", null);
	}

	@Test
	void decodeWhenEventIdTooLongOrNotStringThenErrorWithoutEventId() {
		ProtocolError tooLong = decodeError("{\"event_id\": \"" + "x".repeat(513) + "\", \"type\": \"input_audio_buffer.commit\"}");
		assertError(tooLong, ProtocolError.STRING_ABOVE_MAX_LENGTH, "event_id", null);
		assertThat(decodeError("{\"event_id\": 12, \"type\": \"input_audio_buffer.commit\"}").code())
			.isEqualTo(ProtocolError.INVALID_TYPE);
		assertThat(this.decoder.decode("{\"event_id\": \"" + "x".repeat(512) + "\", \"type\": \"input_audio_buffer.commit\"}"))
			.isInstanceOf(ClientEvent.InputAudioBufferCommit.class);
	}

	@Test
	void decodeWhenResponseMetadataValueNotStringThenInvalidType() {
		assertError(decodeError("{\"type\": \"response.create\", \"response\": {\"metadata\": {\"n\": 1}}}"),
				ProtocolError.INVALID_TYPE, "response.metadata.n", null);
	}

	@Test
	void decodeWhenHostileInputThenNeverThrows() {
		String deep = "[".repeat(100_000);
		String[] frames = { "", "{", "}", "{}", "[]", "1", "true", deep, "{\"type\": {}}", "{\"type\": []}",
				"{\"type\": \"session.update\", \"session\": null}", "{\"type\": \"session.update\", \"session\": []}",
				"{\"type\": \"response.create\", \"response\": {\"input\": [1]}}",
				"{\"type\": \"response.create\", \"response\": {\"tools\": [{\"type\": \"function\"}]}}",
				"{\"type\": \"conversation.item.create\", \"item\": {\"type\": \"message\", \"role\": \"user\", \"content\": [null]}}",
				"{\"type\": \"session.update\", \"session\": {\"type\": \"realtime\", \"audio\": {\"input\": {\"format\": {}}}}}",
				"\uFEFF{\"type\": \"input_audio_buffer.commit\"}", "{\"type\": \"input_audio_buffer.commit\"}\u0000" };
		for (String frame : frames) {
			assertThat(this.decoder.decode(frame)).as(frame.length() > 40 ? frame.substring(0, 40) : frame).isNotNull();
		}
	}

	private ProtocolError decodeError(String frame) {
		Decoded decoded = this.decoder.decode(frame);
		assertThat(decoded).isInstanceOf(ProtocolError.class);
		return (ProtocolError) decoded;
	}

	private static void assertError(ProtocolError error, String code, String param, String eventId) {
		assertThat(error.type()).isEqualTo(ProtocolError.INVALID_REQUEST_ERROR);
		assertThat(error.code()).isEqualTo(code);
		assertThat(error.param()).isEqualTo(param);
		assertThat(error.eventId()).isEqualTo(eventId);
	}

}

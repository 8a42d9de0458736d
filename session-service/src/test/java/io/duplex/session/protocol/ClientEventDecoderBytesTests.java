package io.duplex.session.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The socket's byte path ({@link ClientEventDecoder#decode(byte[])}, which reads plain appends in
 * one streaming pass) answers every frame exactly as the string path does: the same event with the
 * same audio, or the same error.
 */
class ClientEventDecoderBytesTests {

	private final ClientEventDecoder decoder = new ClientEventDecoder(JsonMapper.builder().build());

	@Test
	void decodeBytesWhenPlainAppendThenSameEventAndAudio() {
		byte[] audio = new byte[960];
		new Random(7).nextBytes(audio);
		String encoded = Base64.getEncoder().encodeToString(audio);
		Decoded decoded = assertSameAnswer(
				"{\"event_id\": \"evt_1\", \"type\": \"input_audio_buffer.append\", \"audio\": \"" + encoded + "\"}");
		assertThat(decoded).isInstanceOf(ClientEvent.InputAudioBufferAppend.class);
		assertThat(((ClientEvent.InputAudioBufferAppend) decoded).audio()).isEqualTo(audio);
		assertThat(((ClientEvent.InputAudioBufferAppend) decoded).eventId()).isEqualTo("evt_1");
	}

	@Test
	void quoteAfterWhenSearchingWordsAtATimeThenFindsTheFirstQuoteAsAByteLoopWould() {
		Random random = new Random(11);
		for (int round = 0; round < 5_000; round++) {
			byte[] frame = new byte[1 + random.nextInt(60)];
			for (int i = 0; i < frame.length; i++) {
				// quotes, their neighbours, bytes beyond ASCII and zeros: what could confuse the word test
				frame[i] = (byte) switch (random.nextInt(6)) {
					case 0 -> '"';
					case 1 -> '"' + 1;
					case 2 -> '"' - 1;
					case 3 -> 0;
					case 4 -> 0x80 + random.nextInt(128);
					default -> 'A' + random.nextInt(26);
				};
			}
			int at = random.nextInt(frame.length);
			frame[at] = '"';
			int expected = -1;
			for (int i = at + 1; i < frame.length; i++) {
				if (frame[i] == '"') {
					expected = i;
					break;
				}
			}
			assertThat(ClientEventDecoder.quoteAfter(frame, at)).as("round %d", round).isEqualTo(expected);
		}
	}

	@Test
	void decodeBytesWhenAppendIsUnusualThenAnswersAsTheStringPath() {
		String audio = "AAECAwQFBgc=";
		List<String> frames = List.of(
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"AAECAwQFBgc\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"AAECAwQFBg==\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"AAECAwQFBg\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"A\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"AB=\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"AB==CD\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"AAEC AwQF\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"AAEC\\nAwQF\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"AAEC\\u0041wQF\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"-_-_\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"AAEé\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"AB\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"AR\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"ABC\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"ABD\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": 42}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": null}",
				"{\"type\": \"input_audio_buffer.append\"}",
				"{\"audio\": \"" + audio + "\"}",
				"{\"audio\": \"" + audio + "\", \"type\": \"input_audio_buffer.append\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"" + audio + "\", \"extra\": 1}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"" + audio + "\", \"audio\": \"AAAA\"}",
				"{\"type\": \"input_audio_buffer.append\", \"type\": \"input_audio_buffer.commit\", \"audio\": \"AAAA\"}",
				"{\"event_id\": null, \"type\": \"input_audio_buffer.append\", \"audio\": \"" + audio + "\"}",
				"{\"event_id\": 7, \"type\": \"input_audio_buffer.append\", \"audio\": \"" + audio + "\"}",
				"{\"event_id\": \"" + "x".repeat(512) + "\", \"type\": \"input_audio_buffer.append\", \"audio\": \"AAAA\"}",
				"{\"event_id\": \"" + "x".repeat(513) + "\", \"type\": \"input_audio_buffer.append\", \"audio\": \"AAAA\"}",
				"{\"event_id\": \"é\\u00e9\", \"type\": \"input_audio_buffer.append\", \"audio\": \"AAAA\"}",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"" + audio + "\"} x",
				"{\"type\": \"input_audio_buffer.append\", \"audio\": \"" + audio + "\"",
				"{\"type\": \"input_audio_buffer.commit\", \"event_id\": \"e2\"}",
				"{\"type\": \"input_audio_buffer.commit\"}{}", "[]", "", "not json", "\uFEFF{\"type\": \"input_audio_buffer.commit\"}",
				" \t\r\n{ \"audio\" : \"" + audio + "\" ,\n\"type\":\"input_audio_buffer.append\" , \"event_id\":\"e\" }\n ",
				"{\"type\":\"input_audio_buffer.append\",\"audio\":\"AAEC\\/AwQF\"}",
				"{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\",}",
				"{\"type\":\"input_audio_buffer.append\",,\"audio\":\"" + audio + "\"}",
				"{\"type\":\"input_audio_buffer.append\" \"audio\":\"" + audio + "\"}",
				"{\"type\":\"input_audio_buffer.append\",\"audio\"=\"" + audio + "\"}",
				"{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"",
				"{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio,
				"{\"ty\\u0070e\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"}",
				"{\"type\":\"input_audio_buffer.append\",\"audio\":\"AA\tEC\"}",
				"{\"event_id\":\"\",\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"}",
				"{\"event_id\":\"évènement\",\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"}",
				"{\"type\":\"input_audio_buffer.appendx\",\"audio\":\"" + audio + "\"}",
				"{\"TYPE\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"}");
		for (String frame : frames) {
			assertSameAnswer(frame);
		}
	}

	@Test
	void decodeBytesWhenRandomAudioAndPaddingThenSameAsJavaBase64() {
		Random random = new Random(11);
		for (int i = 0; i < 2_000; i++) {
			byte[] audio = new byte[random.nextInt(64)];
			random.nextBytes(audio);
			String encoded = Base64.getEncoder().encodeToString(audio);
			if (random.nextBoolean()) {
				encoded = encoded.replace("=", "");
			}
			if (random.nextInt(4) == 0 && !encoded.isEmpty()) {
				// one character changed to anything printable: sometimes valid, mostly not
				int at = random.nextInt(encoded.length());
				encoded = encoded.substring(0, at) + (char) (32 + random.nextInt(95)) + encoded.substring(at + 1);
				encoded = encoded.replace("\\", "").replace("\"", "");
			}
			assertSameAnswer("{\"type\": \"input_audio_buffer.append\", \"audio\": \"" + encoded + "\"}");
		}
	}

	@Test
	void decodeBytesWhenOverTheLimitThenEventTooLarge() {
		byte[] frame = new byte[ClientEventDecoder.MAX_FRAME_BYTES + 1];
		Decoded decoded = this.decoder.decode(frame);
		assertThat(decoded).isInstanceOf(ProtocolError.class);
		assertThat(((ProtocolError) decoded).code()).isEqualTo(ProtocolError.EVENT_TOO_LARGE);
	}

	/** Decodes {@code frame} both ways and checks the answers agree; returns the byte path's. */
	private Decoded assertSameAnswer(String frame) {
		Decoded fromBytes = this.decoder.decode(frame.getBytes(StandardCharsets.UTF_8));
		Decoded fromString = this.decoder.decode(frame);
		assertThat(describe(fromBytes)).as(frame).isEqualTo(describe(fromString));
		return fromBytes;
	}

	/** Comparable contents: records with arrays do not compare by value. */
	private static List<Object> describe(Decoded decoded) {
		List<Object> parts = new ArrayList<>();
		parts.add(decoded.getClass());
		if (decoded instanceof ClientEvent.InputAudioBufferAppend append) {
			parts.add(append.eventId());
			parts.add(Base64.getEncoder().encodeToString(append.audio()));
		}
		else {
			parts.add(decoded);
		}
		return parts;
	}

}

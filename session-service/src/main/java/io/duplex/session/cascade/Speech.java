package io.duplex.session.cascade;

import reactor.core.publisher.Flux;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Text to speech: {@code POST /audio/speech} with {@code response_format: pcm}, answered with raw
 * PCM16 24 kHz mono little-endian, streamed in chunks as it is synthesised.
 * @see <a href="https://platform.openai.com/docs/api-reference/audio/createSpeech">Create speech</a>
 */
final class Speech {

	static final String PATH = "/audio/speech";

	private Speech() {
	}

	/**
	 * The audio of {@code sentence} as it arrives, in chunks of whole samples (a chunk may end
	 * within a sample on the wire; its odd byte goes with the next chunk).
	 */
	static Flux<byte[]> request(StageClient stage, String sentence, String voice) {
		ObjectNode body = JsonMapper.shared().createObjectNode();
		body.put("model", stage.model("gpt-4o-mini-tts"));
		body.put("input", sentence);
		body.put("voice", voice);
		body.put("response_format", "pcm");
		return stage.post(PATH, "application/json", JsonMapper.shared().writeValueAsBytes(body),
				(bytes) -> Flux.defer(() -> {
					byte[][] carry = { new byte[0] };
					return bytes.asByteArray().handle((chunk, sink) -> {
						byte[] joined = join(carry[0], chunk);
						int whole = joined.length & ~1;
						carry[0] = java.util.Arrays.copyOfRange(joined, whole, joined.length);
						if (whole > 0) {
							sink.next((whole == joined.length) ? joined : java.util.Arrays.copyOf(joined, whole));
						}
					});
				}));
	}

	private static byte[] join(byte[] head, byte[] tail) {
		if (head.length == 0) {
			return tail;
		}
		byte[] joined = new byte[head.length + tail.length];
		System.arraycopy(head, 0, joined, 0, head.length);
		System.arraycopy(tail, 0, joined, head.length, tail.length);
		return joined;
	}

}

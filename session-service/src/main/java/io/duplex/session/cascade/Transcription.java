package io.duplex.session.cascade;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import tools.jackson.databind.json.JsonMapper;

/**
 * Speech to text: {@code POST /audio/transcriptions} with the turn as a WAV file in a
 * {@code multipart/form-data} body, answered with {@code {"text": …}}.
 * @see <a href="https://platform.openai.com/docs/api-reference/audio/createTranscription">Create transcription</a>
 */
final class Transcription {

	static final String PATH = "/audio/transcriptions";

	private Transcription() {
	}

	/** The transcript of {@code wav}; errors as {@link StageClient#post} does. */
	static Mono<String> request(StageClient stage, byte[] wav, @Nullable String language) {
		String boundary = "duplex-" + UUID.randomUUID();
		ByteArrayOutputStream body = new ByteArrayOutputStream(wav.length + 512);
		part(body, boundary, "file\"; filename=\"turn.wav", "audio/wav", wav);
		field(body, boundary, "model", stage.model("gpt-4o-mini-transcribe"));
		field(body, boundary, "response_format", "json");
		if (language != null) {
			field(body, boundary, "language", language);
		}
		body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
		return stage
			.post(PATH, "multipart/form-data; boundary=" + boundary, body.toByteArray(),
					(bytes) -> bytes.aggregate().asByteArray().flux())
			// single(), not next(): the body is read to its end, so the connection goes back to the pool
			.single()
			.map((json) -> JsonMapper.shared().readTree(json).path("text").stringValue("").strip());
	}

	private static void field(ByteArrayOutputStream body, String boundary, String name, String value) {
		part(body, boundary, name, null, value.getBytes(StandardCharsets.UTF_8));
	}

	private static void part(ByteArrayOutputStream body, String boundary, String disposition,
			@Nullable String contentType, byte[] content) {
		StringBuilder head = new StringBuilder();
		head.append("--").append(boundary).append("\r\n");
		head.append("Content-Disposition: form-data; name=\"").append(disposition).append("\"\r\n");
		if (contentType != null) {
			head.append("Content-Type: ").append(contentType).append("\r\n");
		}
		head.append("\r\n");
		body.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
		body.writeBytes(content);
		body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
	}

}

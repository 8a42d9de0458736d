package io.duplex.session.cascade;

import reactor.core.publisher.Flux;
import reactor.netty.ByteBufFlux;

import io.duplex.session.provider.UpstreamHttpException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chunks of a streamed chat completion: the JSON of each server-sent event but the closing
 * {@code [DONE]}. An {@code error} object in the stream (some servers report a failure after the
 * 200) ends it with an {@link UpstreamHttpException}.
 * @see <a href="https://platform.openai.com/docs/api-reference/chat-streaming">The chat completion chunk object</a>
 */
final class ChatStream {

	static final String DONE = "[DONE]";

	private ChatStream() {
	}

	static Flux<JsonNode> chunks(ByteBufFlux body) {
		return Flux.defer(() -> {
			ServerSentEvents events = new ServerSentEvents();
			return body.asByteArray()
				.concatMapIterable(events::feed)
				.concatWith(Flux.defer(() -> Flux.fromIterable(events.end())));
		})
			// [DONE] ends the answer, but the body is read to its end rather than cancelled: a cancelled
			// body closes the connection, and the next request would pay for a new one
			.filter((data) -> !data.isBlank() && !data.strip().equals(DONE))
			.concatMap((data) -> {
				JsonNode chunk = JsonMapper.shared().readTree(data);
				JsonNode error = chunk.path("error");
				if (error.isObject()) {
					return Flux.error(new UpstreamHttpException(200, error.path("code").stringValue(
							error.path("type").stringValue("upstream_error")), error.path("type").stringValue("server_error"),
							error.path("message").stringValue("The chat upstream failed."), error.path("param").stringValue(null)));
				}
				return Flux.just(chunk);
			});
	}

}

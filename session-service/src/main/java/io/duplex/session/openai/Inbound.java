package io.duplex.session.openai;

import java.util.Base64;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.TokenUsage;

/**
 * Turns the upstream's server events into provider events with the engine's ids. Events the engine
 * does not need (acknowledgements, content parts, the {@code .done} twins of deltas) are dropped:
 * the engine writes those for the client itself. Called on the socket's thread, one frame at a time.
 */
final class Inbound {

	/** The upstream's answer to a cancel of a response that has already ended. */
	static final String CANCEL_NOT_ACTIVE = "response_cancel_not_active";

	private static final Logger log = LoggerFactory.getLogger(Inbound.class);

	/** OpenAI's code for a session that reached its maximum duration; the socket closes next. */
	static final String SESSION_EXPIRED = "session_expired";

	private final OpenAiSession session;

	Inbound(OpenAiSession session) {
		this.session = session;
	}

	void onFrame(String frame) {
		JsonNode event;
		try {
			event = JsonMapper.shared().readTree(frame);
		}
		catch (JacksonException ex) {
			log.debug("Upstream session {} sent a frame that is not JSON", this.session.upstreamId());
			return;
		}
		String type = event.path("type").stringValue("");
		switch (type) {
			case "session.created" -> this.session.created(event.path("session").path("id").stringValue(""));
			case "session.updated" -> this.session.updated();
			case "error" -> error(event.path("error"));
			case "input_audio_buffer.committed" -> this.session.ids.committed(event.path("item_id").stringValue(""));
			case "conversation.item.input_audio_transcription.completed" ->
				transcribed(event.path("item_id").stringValue(""), event.path("transcript").stringValue(""));
			// the engine waits for every transcript it asked for: a failed one is an empty one
			case "conversation.item.input_audio_transcription.failed" -> transcribed(event.path("item_id").stringValue(""), "");
			case "response.created" -> responseCreated(event.path("response"));
			case "response.output_item.added" -> outputItemAdded(event);
			case "response.output_audio.delta" -> {
				String responseId = response(event);
				if (responseId != null) {
					this.session.ids.outputAudible(event.path("item_id").stringValue(""));
					this.session.emit(new ProviderEvent.AudioDelta(responseId, index(event), pcm(event)));
				}
			}
			case "response.output_audio_transcript.delta" -> {
				String responseId = response(event);
				if (responseId != null) {
					this.session.emit(new ProviderEvent.TranscriptDelta(responseId, index(event), delta(event)));
				}
			}
			case "response.output_text.delta" -> {
				if (this.session.summaries.delta(event.path("response_id").stringValue(""), delta(event))) {
					return;
				}
				String responseId = response(event);
				if (responseId != null) {
					this.session.emit(new ProviderEvent.TextDelta(responseId, index(event), delta(event)));
				}
			}
			case "response.function_call_arguments.delta" -> {
				String responseId = response(event);
				if (responseId != null) {
					this.session.emit(new ProviderEvent.ArgumentsDelta(responseId, index(event), delta(event)));
				}
			}
			case "response.output_item.done" -> {
				String responseId = response(event);
				if (responseId != null) {
					this.session.emit(new ProviderEvent.OutputItemDone(responseId, index(event)));
				}
			}
			case "response.done" -> responseDone(event.path("response"));
			default -> {
				// acknowledgements and events whose content the engine produces for the client itself
			}
		}
	}

	private void error(JsonNode error) {
		String code = error.path("code").stringValue(null);
		if (code == null) {
			code = error.path("type").stringValue("upstream_error");
		}
		String type = error.path("type").stringValue(ProviderEvent.Failed.SERVER_ERROR);
		String param = error.path("param").stringValue(null);
		String message = error.path("message").stringValue("The upstream model reported an error.");
		String eventId = error.path("event_id").stringValue(null);
		if (this.session.summaries.refused(eventId, code, message)) {
			// a side request of the engine's, not the client's: its failure is not the conversation's
			return;
		}
		if (ClientEvents.isCancel(eventId) && CANCEL_NOT_ACTIVE.equals(code)) {
			// the engine cancelled a response whose last events were still on their way: it has ended
			// anyway, and the client, who asked for nothing, must not see an error
			return;
		}
		String refused = this.session.ids.responseRefused(eventId);
		String uncommitted = this.session.ids.commitRefused(eventId);
		this.session.upstreamError(new ProviderEvent.Failed(code, message, code.equals(SESSION_EXPIRED), type, param));
		// the engine waits for every response it asked for to end, and for the transcript of every turn
		if (refused != null) {
			this.session.firstByte(refused);
			this.session.emit(new ProviderEvent.ResponseDone(refused, "failed", TokenUsage.NONE));
		}
		if (uncommitted != null && this.session.transcribing()) {
			this.session.emit(new ProviderEvent.InputTranscribed(uncommitted, ""));
		}
	}

	private void transcribed(String upstreamItemId, String transcript) {
		String itemId = this.session.ids.engineItem(upstreamItemId);
		if (itemId != null) {
			this.session.emit(new ProviderEvent.InputTranscribed(itemId, transcript));
		}
	}

	private void responseCreated(JsonNode response) {
		String upstreamId = response.path("id").stringValue("");
		JsonNode metadata = response.path("metadata");
		if (Summaries.PURPOSE.equals(metadata.path("purpose").stringValue(null))) {
			// out of band: not one of the engine's responses, which are answered in order
			this.session.summaries.created(upstreamId, metadata.path("request").stringValue(""));
			return;
		}
		Correlation.Pending pending = this.session.ids.responseCreated(upstreamId);
		if (pending != null && pending.cancelled()) {
			this.session.cancelNow(upstreamId);
		}
	}

	private void outputItemAdded(JsonNode event) {
		String responseId = response(event);
		if (responseId == null) {
			return;
		}
		JsonNode item = event.path("item");
		String type = item.path("type").stringValue("message");
		String callId = item.path("call_id").stringValue(null);
		this.session.ids.outputStarted(item.path("id").stringValue(""), type, callId);
		this.session.emit(new ProviderEvent.OutputItemStarted(responseId, index(event), type,
				item.path("name").stringValue(null), callId));
	}

	private void responseDone(JsonNode response) {
		String upstreamId = response.path("id").stringValue("");
		if (this.session.summaries.done(upstreamId, response.path("status").stringValue("completed"),
				outputText(response.path("output")), usage(response.path("usage")))) {
			return;
		}
		String responseId = this.session.ids.responseDone(upstreamId);
		TokenUsage usage = usage(response.path("usage"));
		if (responseId != null) {
			this.session.firstByte(responseId);
			this.session.emit(new ProviderEvent.ResponseDone(responseId, response.path("status").stringValue("completed"),
					usage));
		}
		else if (!usage.isEmpty()) {
			// a response the engine did not ask for (the upstream's own turn detection) or gave up on:
			// the upstream bills it all the same, so it is metered, by the upstream's id
			this.session.emit(new ProviderEvent.UsageReported(upstreamId, usage));
		}
	}

	/** The text of a response's message output items, or null when it reports none (the deltas then tell). */
	private static @Nullable String outputText(JsonNode output) {
		StringBuilder text = new StringBuilder();
		boolean found = false;
		for (JsonNode item : output) {
			for (JsonNode part : item.path("content")) {
				if ("output_text".equals(part.path("type").stringValue(""))) {
					text.append(part.path("text").stringValue(""));
					found = true;
				}
			}
		}
		return found ? text.toString() : null;
	}

	/** Usage exactly as reported: cached tokens are part of the input totals, as upstream counts them. */
	static TokenUsage usage(JsonNode usage) {
		JsonNode input = usage.path("input_token_details");
		JsonNode cached = input.path("cached_tokens_details");
		JsonNode output = usage.path("output_token_details");
		return new TokenUsage(input.path("text_tokens").asLong(0), input.path("audio_tokens").asLong(0),
				cached.path("text_tokens").asLong(0), cached.path("audio_tokens").asLong(0),
				output.path("text_tokens").asLong(0), output.path("audio_tokens").asLong(0));
	}

	/** The engine's response an output event belongs to (null if none); it has produced output then. */
	private @Nullable String response(JsonNode event) {
		String responseId = this.session.ids.engineResponse(event.path("response_id").stringValue(""));
		if (responseId != null) {
			this.session.firstByte(responseId);
		}
		return responseId;
	}

	private static int index(JsonNode event) {
		return event.path("output_index").asInt(0);
	}

	/** The delta's audio; none if it is not base64, which costs a gap rather than the session. */
	private byte[] pcm(JsonNode event) {
		try {
			return Base64.getDecoder().decode(event.path("delta").stringValue(""));
		}
		catch (IllegalArgumentException ex) {
			log.debug("Upstream session {} sent audio that is not base64", this.session.upstreamId());
			return new byte[0];
		}
	}

	private static String delta(JsonNode event) {
		return event.path("delta").stringValue("");
	}

}

package io.duplex.session.protocol;

import java.io.StringWriter;
import java.util.List;
import java.util.function.Consumer;

import io.duplex.session.protocol.ConversationItem.ContentPart;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes every server event Duplex sends on the realtime socket, as the JSON text of one frame,
 * each with a fresh {@code event_id} from {@link Ids#event()}. Events are streamed to a generator
 * rather than built as trees, because the busiest of them ({@code response.output_audio.delta})
 * goes out every 20 ms of every session: its audio goes from bytes to base64 inside the
 * generator, with no intermediate string. Output validates against OpenAI's GA schemas; vendor
 * events, when Duplex needs any, will be named {@code duplex.*}. Stateless and thread-safe.
 * @see <a href="https://platform.openai.com/docs/api-reference/realtime-server-events">OpenAI server events</a>
 */
public final class ServerEvents {

	/** Room for the envelope and ids around an audio delta's base64. */
	private static final int ENVELOPE_CHARS = 256;

	private final JsonMapper mapper;

	public ServerEvents(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/** {@code error}: what was wrong with a client event, or with Duplex. */
	public String error(ProtocolError error) {
		return event("error", (json) -> {
			json.writeObjectPropertyStart("error");
			json.writeStringProperty("type", error.type());
			nullableString(json, "code", error.code());
			json.writeStringProperty("message", error.message());
			nullableString(json, "param", error.param());
			nullableString(json, "event_id", error.eventId());
			json.writeEndObject();
		});
	}

	/**
	 * {@code session.created}, the first event on every socket, with the session's defaults.
	 * @param sessionId {@code sess_…}
	 * @param expiresAt when the session ends, in seconds since the epoch
	 * @param session the effective configuration, every member set
	 */
	public String sessionCreated(String sessionId, long expiresAt, SessionConfig session) {
		return event("session.created", (json) -> {
			json.writeName("session");
			SessionWriter.session(json, sessionId, expiresAt, session);
		});
	}

	/** {@code session.updated}, the answer to every {@code session.update}, with the effective configuration. */
	public String sessionUpdated(String sessionId, long expiresAt, SessionConfig session) {
		return event("session.updated", (json) -> {
			json.writeName("session");
			SessionWriter.session(json, sessionId, expiresAt, session);
		});
	}

	/** {@code conversation.item.added}: an item entered the conversation; no audio bytes. */
	public String conversationItemAdded(@Nullable String previousItemId, ConversationItem item) {
		return event("conversation.item.added", (json) -> {
			nullableString(json, "previous_item_id", previousItemId);
			item(json, item, false);
		});
	}

	/** {@code conversation.item.done}: an item is final; no audio bytes, transcripts included. */
	public String conversationItemDone(@Nullable String previousItemId, ConversationItem item) {
		return event("conversation.item.done", (json) -> {
			nullableString(json, "previous_item_id", previousItemId);
			item(json, item, false);
		});
	}

	/** {@code conversation.item.retrieved}: an item as the server holds it, audio included. */
	public String conversationItemRetrieved(ConversationItem item) {
		return event("conversation.item.retrieved", (json) -> item(json, item, true));
	}

	/** {@code conversation.item.truncated}: an assistant item's audio now ends at {@code audioEndMs}. */
	public String conversationItemTruncated(String itemId, int contentIndex, int audioEndMs) {
		return event("conversation.item.truncated", (json) -> {
			json.writeStringProperty("item_id", itemId);
			json.writeNumberProperty("content_index", contentIndex);
			json.writeNumberProperty("audio_end_ms", audioEndMs);
		});
	}

	/** {@code conversation.item.deleted}. */
	public String conversationItemDeleted(String itemId) {
		return event("conversation.item.deleted", (json) -> json.writeStringProperty("item_id", itemId));
	}

	/** {@code conversation.item.input_audio_transcription.delta}: more of a user item's transcript. */
	public String inputAudioTranscriptionDelta(String itemId, int contentIndex, String delta) {
		return event("conversation.item.input_audio_transcription.delta", (json) -> {
			json.writeStringProperty("item_id", itemId);
			json.writeNumberProperty("content_index", contentIndex);
			json.writeStringProperty("delta", delta);
		});
	}

	/** {@code conversation.item.input_audio_transcription.completed}: a user item's transcript and its cost. */
	public String inputAudioTranscriptionCompleted(String itemId, int contentIndex, String transcript,
			TranscriptionUsage usage) {
		return event("conversation.item.input_audio_transcription.completed", (json) -> {
			json.writeStringProperty("item_id", itemId);
			json.writeNumberProperty("content_index", contentIndex);
			json.writeStringProperty("transcript", transcript);
			json.writeObjectPropertyStart("usage");
			switch (usage) {
				case TranscriptionUsage.Tokens tokens -> {
					json.writeStringProperty("type", "tokens");
					json.writeNumberProperty("input_tokens", tokens.inputTokens());
					json.writeNumberProperty("output_tokens", tokens.outputTokens());
					json.writeNumberProperty("total_tokens", tokens.totalTokens());
					json.writeObjectPropertyStart("input_token_details");
					json.writeNumberProperty("text_tokens", tokens.inputTextTokens());
					json.writeNumberProperty("audio_tokens", tokens.inputAudioTokens());
					json.writeEndObject();
				}
				case TranscriptionUsage.Duration duration -> {
					json.writeStringProperty("type", "duration");
					json.writeNumberProperty("seconds", duration.seconds());
				}
			}
			json.writeEndObject();
		});
	}

	/** {@code conversation.item.input_audio_transcription.failed}: a user item could not be transcribed. */
	public String inputAudioTranscriptionFailed(String itemId, int contentIndex, ProtocolError error) {
		return event("conversation.item.input_audio_transcription.failed", (json) -> {
			json.writeStringProperty("item_id", itemId);
			json.writeNumberProperty("content_index", contentIndex);
			json.writeObjectPropertyStart("error");
			json.writeStringProperty("type", error.type());
			WireWriter.optString(json, "code", error.code());
			json.writeStringProperty("message", error.message());
			WireWriter.optString(json, "param", error.param());
			json.writeEndObject();
		});
	}

	/** {@code input_audio_buffer.speech_started}: speech began at {@code audioStartMs} of the session's input. */
	public String inputAudioBufferSpeechStarted(long audioStartMs, String itemId) {
		return event("input_audio_buffer.speech_started", (json) -> {
			json.writeNumberProperty("audio_start_ms", audioStartMs);
			json.writeStringProperty("item_id", itemId);
		});
	}

	/** {@code input_audio_buffer.speech_stopped}: speech ended at {@code audioEndMs} of the session's input. */
	public String inputAudioBufferSpeechStopped(long audioEndMs, String itemId) {
		return event("input_audio_buffer.speech_stopped", (json) -> {
			json.writeNumberProperty("audio_end_ms", audioEndMs);
			json.writeStringProperty("item_id", itemId);
		});
	}

	/** {@code input_audio_buffer.timeout_triggered}: nobody spoke for the idle timeout. */
	public String inputAudioBufferTimeoutTriggered(long audioStartMs, long audioEndMs, String itemId) {
		return event("input_audio_buffer.timeout_triggered", (json) -> {
			json.writeNumberProperty("audio_start_ms", audioStartMs);
			json.writeNumberProperty("audio_end_ms", audioEndMs);
			json.writeStringProperty("item_id", itemId);
		});
	}

	/** {@code input_audio_buffer.committed}: the buffer became the user item {@code itemId}. */
	public String inputAudioBufferCommitted(@Nullable String previousItemId, String itemId) {
		return event("input_audio_buffer.committed", (json) -> {
			nullableString(json, "previous_item_id", previousItemId);
			json.writeStringProperty("item_id", itemId);
		});
	}

	/** {@code input_audio_buffer.cleared}. */
	public String inputAudioBufferCleared() {
		return event("input_audio_buffer.cleared", (json) -> {
		});
	}

	/** {@code output_audio_buffer.cleared}: the answer to {@code output_audio_buffer.clear}. */
	public String outputAudioBufferCleared(String responseId) {
		return event("output_audio_buffer.cleared", (json) -> json.writeStringProperty("response_id", responseId));
	}

	/** {@code response.created}: a response started. */
	public String responseCreated(RealtimeResponse response) {
		return event("response.created", (json) -> {
			json.writeName("response");
			WireWriter.response(json, response);
		});
	}

	/** {@code response.done}: a response ended, whatever the outcome, with its output and usage. */
	public String responseDone(RealtimeResponse response) {
		return event("response.done", (json) -> {
			json.writeName("response");
			WireWriter.response(json, response);
		});
	}

	/** {@code response.output_item.added}: the response started an item. */
	public String responseOutputItemAdded(String responseId, int outputIndex, ConversationItem item) {
		return event("response.output_item.added", (json) -> {
			json.writeStringProperty("response_id", responseId);
			json.writeNumberProperty("output_index", outputIndex);
			item(json, item, false);
		});
	}

	/** {@code response.output_item.done}: the response finished an item. */
	public String responseOutputItemDone(String responseId, int outputIndex, ConversationItem item) {
		return event("response.output_item.done", (json) -> {
			json.writeStringProperty("response_id", responseId);
			json.writeNumberProperty("output_index", outputIndex);
			item(json, item, false);
		});
	}

	/** {@code response.content_part.added}: an output text or audio part started. */
	public String responseContentPartAdded(ContentRef ref, ContentPart part) {
		return event("response.content_part.added", (json) -> {
			ref(json, ref);
			WireWriter.streamedPart(json, part);
		});
	}

	/** {@code response.content_part.done}: an output part is final. */
	public String responseContentPartDone(ContentRef ref, ContentPart part) {
		return event("response.content_part.done", (json) -> {
			ref(json, ref);
			WireWriter.streamedPart(json, part);
		});
	}

	/** {@code response.output_audio.delta}: the next audio, in the session's output format. */
	public String responseOutputAudioDelta(ContentRef ref, byte[] audio) {
		return responseOutputAudioDelta(ref, audio, 0, audio.length);
	}

	/** {@code response.output_audio.delta} for {@code length} bytes of {@code audio} from {@code offset}. */
	public String responseOutputAudioDelta(ContentRef ref, byte[] audio, int offset, int length) {
		return event("response.output_audio.delta", ENVELOPE_CHARS + (length + 2) / 3 * 4, (json) -> {
			ref(json, ref);
			json.writeName("delta");
			json.writeBinary(audio, offset, length);
		});
	}

	/** {@code response.output_audio.done}. */
	public String responseOutputAudioDone(ContentRef ref) {
		return event("response.output_audio.done", (json) -> ref(json, ref));
	}

	/** {@code response.output_audio_transcript.delta}: more of what the audio says. */
	public String responseOutputAudioTranscriptDelta(ContentRef ref, String delta) {
		return event("response.output_audio_transcript.delta", (json) -> {
			ref(json, ref);
			json.writeStringProperty("delta", delta);
		});
	}

	/** {@code response.output_audio_transcript.done}: everything the audio said. */
	public String responseOutputAudioTranscriptDone(ContentRef ref, String transcript) {
		return event("response.output_audio_transcript.done", (json) -> {
			ref(json, ref);
			json.writeStringProperty("transcript", transcript);
		});
	}

	/** {@code response.output_text.delta}: more text, in text-only sessions. */
	public String responseOutputTextDelta(ContentRef ref, String delta) {
		return event("response.output_text.delta", (json) -> {
			ref(json, ref);
			json.writeStringProperty("delta", delta);
		});
	}

	/** {@code response.output_text.done}: all the text. */
	public String responseOutputTextDone(ContentRef ref, String text) {
		return event("response.output_text.done", (json) -> {
			ref(json, ref);
			json.writeStringProperty("text", text);
		});
	}

	/** {@code response.function_call_arguments.delta}: more of a function call's JSON arguments. */
	public String responseFunctionCallArgumentsDelta(String responseId, String itemId, int outputIndex, String callId,
			String delta) {
		return event("response.function_call_arguments.delta", (json) -> {
			call(json, responseId, itemId, outputIndex, callId);
			json.writeStringProperty("delta", delta);
		});
	}

	/** {@code response.function_call_arguments.done}: the function to call and all its arguments. */
	public String responseFunctionCallArgumentsDone(String responseId, String itemId, int outputIndex, String callId,
			String name, String arguments) {
		return event("response.function_call_arguments.done", (json) -> {
			call(json, responseId, itemId, outputIndex, callId);
			json.writeStringProperty("name", name);
			json.writeStringProperty("arguments", arguments);
		});
	}

	/** {@code rate_limits.updated}, at the start of a response. */
	public String rateLimitsUpdated(List<RateLimit> limits) {
		return event("rate_limits.updated", (json) -> {
			json.writeArrayPropertyStart("rate_limits");
			for (RateLimit limit : limits) {
				json.writeStartObject();
				json.writeStringProperty("name", limit.name());
				json.writeNumberProperty("limit", limit.limit());
				json.writeNumberProperty("remaining", limit.remaining());
				json.writeNumberProperty("reset_seconds", limit.resetSeconds());
				json.writeEndObject();
			}
			json.writeEndArray();
		});
	}

	/**
	 * {@code duplex.session.rollover}: the session is moving to a fresh upstream session
	 * ({@code started}), or has ({@code completed}, with how many items the new one was given).
	 * @param reason {@code scheduled}, {@code model-cap} or {@code upstream-failure}
	 */
	public String sessionRollover(String phase, int segment, String reason, @Nullable Integer carriedItems) {
		return event("duplex.session.rollover", (json) -> {
			json.writeStringProperty("phase", phase);
			json.writeNumberProperty("segment", segment);
			json.writeStringProperty("reason", reason);
			if (carriedItems != null) {
				json.writeNumberProperty("carried_items", carriedItems);
			}
		});
	}

	/**
	 * {@code duplex.session.expiring}: the session will end at {@code expiresAt} (Unix seconds) and
	 * cannot be rolled over, so the agent can say goodbye.
	 * @param reason e.g. {@code max_duration}
	 */
	public String sessionExpiring(String reason, long expiresAt, long secondsLeft) {
		return event("duplex.session.expiring", (json) -> {
			json.writeStringProperty("reason", reason);
			json.writeNumberProperty("expires_at", expiresAt);
			json.writeNumberProperty("seconds_left", secondsLeft);
		});
	}

	/**
	 * {@code duplex.session.resumable}: should this socket drop, the session waits
	 * {@code graceSeconds} for its client to reconnect with {@code resumeToken} (on any node).
	 * Each socket of a session gets a token of its own; the one before stops working.
	 */
	public String sessionResumable(String resumeToken, long graceSeconds) {
		return event("duplex.session.resumable", (json) -> {
			json.writeStringProperty("resume_token", resumeToken);
			json.writeNumberProperty("grace_seconds", graceSeconds);
		});
	}

	private String event(String type, Consumer<JsonGenerator> body) {
		return event(type, ENVELOPE_CHARS, body);
	}

	private String event(String type, int sizeHint, Consumer<JsonGenerator> body) {
		StringWriter out = new StringWriter(sizeHint);
		try (JsonGenerator json = this.mapper.createGenerator(out)) {
			json.writeStartObject();
			// type first, so that clients that dispatch while parsing can
			json.writeStringProperty("type", type);
			json.writeStringProperty("event_id", Ids.event());
			body.accept(json);
			json.writeEndObject();
		}
		return out.toString();
	}

	private static void item(JsonGenerator json, ConversationItem item, boolean withAudio) {
		json.writeName("item");
		WireWriter.item(json, item, withAudio);
	}

	private static void ref(JsonGenerator json, ContentRef ref) {
		json.writeStringProperty("response_id", ref.responseId());
		json.writeStringProperty("item_id", ref.itemId());
		json.writeNumberProperty("output_index", ref.outputIndex());
		json.writeNumberProperty("content_index", ref.contentIndex());
	}

	private static void call(JsonGenerator json, String responseId, String itemId, int outputIndex, String callId) {
		json.writeStringProperty("response_id", responseId);
		json.writeStringProperty("item_id", itemId);
		json.writeNumberProperty("output_index", outputIndex);
		json.writeStringProperty("call_id", callId);
	}

	private static void nullableString(JsonGenerator json, String name, @Nullable String value) {
		if (value != null) {
			json.writeStringProperty(name, value);
		}
		else {
			json.writeNullProperty(name);
		}
	}

}

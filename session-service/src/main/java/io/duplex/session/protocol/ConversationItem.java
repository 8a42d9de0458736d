package io.duplex.session.protocol;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One item of a realtime conversation as the GA protocol shapes it ({@code RealtimeConversationItem}):
 * a message, a function call or a function call's output. Ids look like {@code item_…}; a client
 * may choose its own, otherwise the server assigns one with {@link Ids#item()}.
 * <p>
 * Audio travels as decoded bytes. Records compare arrays by identity, so compare the
 * {@code audio} of two parts with {@link java.util.Arrays#equals(byte[], byte[])}.
 * @see <a href="https://platform.openai.com/docs/api-reference/realtime-server-events/conversation/item/added">OpenAI conversation items</a>
 */
public sealed interface ConversationItem {

	/** The item's id; null on an item a client created without one. */
	@Nullable String id();

	/** Who wrote a message. */
	enum Role {

		SYSTEM("system"), USER("user"), ASSISTANT("assistant");

		private final String wireName;

		Role(String wireName) {
			this.wireName = wireName;
		}

		public String wireName() {
			return this.wireName;
		}

	}

	/** How far the server got with an item; it has no effect on the conversation. */
	enum Status {

		COMPLETED("completed"), INCOMPLETE("incomplete"), IN_PROGRESS("in_progress");

		private final String wireName;

		Status(String wireName) {
			this.wireName = wireName;
		}

		public String wireName() {
			return this.wireName;
		}

	}

	/**
	 * A message: system messages hold {@code input_text}; user messages {@code input_text},
	 * {@code input_audio} and {@code input_image}; assistant messages {@code output_text} and
	 * {@code output_audio}.
	 */
	record Message(@Nullable String id, @Nullable Status status, Role role, List<ContentPart> content)
			implements ConversationItem {

		public Message {
			content = List.copyOf(content);
		}

	}

	/** The model asking for a function to be run; {@code arguments} is a JSON-encoded string. */
	record FunctionCall(@Nullable String id, @Nullable Status status, @Nullable String callId, String name,
			String arguments) implements ConversationItem {

	}

	/** What a function returned, for the call with the same {@code callId}. */
	record FunctionCallOutput(@Nullable String id, @Nullable Status status, String callId, String output)
			implements ConversationItem {

	}

	/**
	 * A reference to an item already in the conversation, allowed only in the {@code input} of
	 * {@code response.create}.
	 */
	record ItemReference(String id) implements ConversationItem {

	}

	/** One part of a message's content. */
	sealed interface ContentPart {

		/** The wire {@code type} of the part, e.g. {@code input_audio}. */
		String type();

	}

	/** Text a system or user message contributes. */
	record InputText(String text) implements ContentPart {

		public String type() {
			return "input_text";
		}

	}

	/**
	 * Audio a user message contributes, in the session's input format; {@code transcript} is for
	 * reference and never reaches the model. The server leaves {@code audio} out of items it
	 * echoes, except in {@code conversation.item.retrieved}.
	 */
	record InputAudio(byte @Nullable [] audio, @Nullable String transcript) implements ContentPart {

		public String type() {
			return "input_audio";
		}

	}

	/** An image a user message contributes, as a {@code data:} URL; {@code detail} is auto, low or high. */
	record InputImage(String imageUrl, @Nullable String detail) implements ContentPart {

		public String type() {
			return "input_image";
		}

	}

	/** Text the assistant wrote. */
	record OutputText(String text) implements ContentPart {

		public String type() {
			return "output_text";
		}

	}

	/**
	 * Audio the assistant spoke, in the session's output format, with what it said; the server
	 * writes {@code audio} only in {@code conversation.item.retrieved}.
	 */
	record OutputAudio(byte @Nullable [] audio, @Nullable String transcript) implements ContentPart {

		public String type() {
			return "output_audio";
		}

	}

}

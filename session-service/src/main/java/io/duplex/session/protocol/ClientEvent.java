package io.duplex.session.protocol;

import org.jspecify.annotations.Nullable;

/**
 * An event a client sent on the realtime socket, one of the eleven of the OpenAI Realtime GA
 * protocol. Each carries the client's optional {@code event_id}, which the server echoes in the
 * {@code error} the event causes, if any.
 * @see <a href="https://platform.openai.com/docs/api-reference/realtime-client-events">OpenAI client events</a>
 */
public sealed interface ClientEvent extends Decoded {

	/** The client's id for this event, up to 512 characters; null when it sent none. */
	@Nullable String eventId();

	/** The wire {@code type}, e.g. {@code session.update}. */
	String type();

	/** Change the session's configuration; only the members present change. */
	record SessionUpdate(@Nullable String eventId, SessionConfig session) implements ClientEvent {

		public static final String TYPE = "session.update";

		public String type() {
			return TYPE;
		}

	}

	/**
	 * Append audio, in the session's input format, to the input buffer; the server does not
	 * acknowledge it. Records compare arrays by identity: compare {@code audio} with
	 * {@link java.util.Arrays#equals(byte[], byte[])}.
	 */
	record InputAudioBufferAppend(@Nullable String eventId, byte[] audio) implements ClientEvent {

		public static final String TYPE = "input_audio_buffer.append";

		public String type() {
			return TYPE;
		}

	}

	/** Turn the input buffer into a user message item (manual turn taking). */
	record InputAudioBufferCommit(@Nullable String eventId) implements ClientEvent {

		public static final String TYPE = "input_audio_buffer.commit";

		public String type() {
			return TYPE;
		}

	}

	/** Throw the input buffer away. */
	record InputAudioBufferClear(@Nullable String eventId) implements ClientEvent {

		public static final String TYPE = "input_audio_buffer.clear";

		public String type() {
			return TYPE;
		}

	}

	/**
	 * Add an item to the conversation.
	 * @param previousItemId insert after this item; {@code root} for the beginning, null for the end
	 */
	record ConversationItemCreate(@Nullable String eventId, @Nullable String previousItemId, ConversationItem item)
			implements ClientEvent {

		public static final String TYPE = "conversation.item.create";

		public String type() {
			return TYPE;
		}

	}

	/** Ask for an item as the server holds it, audio included. */
	record ConversationItemRetrieve(@Nullable String eventId, String itemId) implements ClientEvent {

		public static final String TYPE = "conversation.item.retrieve";

		public String type() {
			return TYPE;
		}

	}

	/**
	 * Cut an assistant item's audio to what the user heard, after an interruption.
	 * @param contentIndex the content part, in practice 0
	 * @param audioEndMs how much audio was played, inclusive
	 */
	record ConversationItemTruncate(@Nullable String eventId, String itemId, int contentIndex, int audioEndMs)
			implements ClientEvent {

		public static final String TYPE = "conversation.item.truncate";

		public String type() {
			return TYPE;
		}

	}

	/** Remove an item from the conversation. */
	record ConversationItemDelete(@Nullable String eventId, String itemId) implements ClientEvent {

		public static final String TYPE = "conversation.item.delete";

		public String type() {
			return TYPE;
		}

	}

	/**
	 * Make the model respond.
	 * @param response overrides of the session's settings for this response; null for none
	 */
	record ResponseCreate(@Nullable String eventId, @Nullable ResponseConfig response) implements ClientEvent {

		public static final String TYPE = "response.create";

		public String type() {
			return TYPE;
		}

	}

	/**
	 * Stop a response.
	 * @param responseId the response to stop; null for the one in progress
	 */
	record ResponseCancel(@Nullable String eventId, @Nullable String responseId) implements ClientEvent {

		public static final String TYPE = "response.cancel";

		public String type() {
			return TYPE;
		}

	}

	/** Stop playing the assistant's audio now (WebRTC and SIP clients send this after {@code response.cancel}). */
	record OutputAudioBufferClear(@Nullable String eventId) implements ClientEvent {

		public static final String TYPE = "output_audio_buffer.clear";

		public String type() {
			return TYPE;
		}

	}

}

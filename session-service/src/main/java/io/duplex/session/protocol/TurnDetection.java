package io.duplex.session.protocol;

import org.jspecify.annotations.Nullable;

/**
 * How the server decides that the user has finished a turn ({@code audio.input.turn_detection}).
 * Members a client leaves out are null here and take the documented defaults in the engine; a
 * session without turn detection holds a cleared {@link Clearable} instead of one of these.
 * @see <a href="https://platform.openai.com/docs/guides/realtime-vad">OpenAI voice activity detection</a>
 */
public sealed interface TurnDetection {

	/** The wire {@code type}. */
	String type();

	/** Whether the server answers on its own when the user stops; default true. */
	@Nullable Boolean createResponse();

	/** Whether the user speaking cancels the response in progress; default true. */
	@Nullable Boolean interruptResponse();

	/**
	 * Volume-based detection.
	 * @param threshold 0.0 to 1.0, default 0.5
	 * @param prefixPaddingMs audio kept before the detected start, default 300
	 * @param silenceDurationMs silence that ends the turn, default 500
	 * @param idleTimeoutMs 5000 to 30000: prompt the model after this long without speech; null
	 * for never
	 */
	record ServerVad(@Nullable Double threshold, @Nullable Integer prefixPaddingMs, @Nullable Integer silenceDurationMs,
			@Nullable Boolean createResponse, @Nullable Boolean interruptResponse, @Nullable Integer idleTimeoutMs)
			implements TurnDetection {

		public static final String TYPE = "server_vad";

		public String type() {
			return TYPE;
		}

	}

	/**
	 * Detection that also weighs whether the words sound finished.
	 * @param eagerness low, medium, high or auto (the default, same as medium)
	 */
	record SemanticVad(@Nullable String eagerness, @Nullable Boolean createResponse,
			@Nullable Boolean interruptResponse) implements TurnDetection {

		public static final String TYPE = "semantic_vad";

		public String type() {
			return TYPE;
		}

	}

}

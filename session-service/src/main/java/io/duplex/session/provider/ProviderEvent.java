package io.duplex.session.provider;

import org.jspecify.annotations.Nullable;

/** What a provider session reports. Output items are identified by their index in the response. */
public sealed interface ProviderEvent {

	/** The transcript of the user's audio turn {@code itemId}. */
	record InputTranscribed(String itemId, String transcript) implements ProviderEvent {
	}

	/** An output item begins: a {@code message} (assistant) or a {@code function_call}. */
	record OutputItemStarted(String responseId, int outputIndex, String type, @Nullable String name,
			@Nullable String callId) implements ProviderEvent {
	}

	/** Output audio, PCM16 24 kHz mono little-endian, produced at real-time pace or faster. */
	record AudioDelta(String responseId, int outputIndex, byte[] pcm) implements ProviderEvent {
	}

	/** More of the transcript of the output audio. */
	record TranscriptDelta(String responseId, int outputIndex, String delta) implements ProviderEvent {
	}

	/** More output text (text-only responses). */
	record TextDelta(String responseId, int outputIndex, String delta) implements ProviderEvent {
	}

	/** More of a function call's JSON arguments. */
	record ArgumentsDelta(String responseId, int outputIndex, String delta) implements ProviderEvent {
	}

	/** The output item is complete. */
	record OutputItemDone(String responseId, int outputIndex) implements ProviderEvent {
	}

	/**
	 * How long a cascade's stages took to start for a response, in milliseconds ({@code null}: the
	 * stage did not run or get that far); comes before the response's {@link ResponseDone}.
	 * @param sttMs speech to text: how long the response waited for the transcript of the turn
	 * @param llmFirstTokenMs from asking the chat model to its first token
	 * @param ttsFirstByteMs from the first text-to-speech request to its first audio
	 */
	record StageTimings(String responseId, @Nullable Integer sttMs, @Nullable Integer llmFirstTokenMs,
			@Nullable Integer ttsFirstByteMs) implements ProviderEvent {
	}

	/**
	 * The response ended.
	 * @param status {@code completed}, {@code cancelled}, {@code incomplete} or {@code failed}
	 */
	record ResponseDone(String responseId, String status, TokenUsage usage) implements ProviderEvent {
	}

	/**
	 * Usage the upstream reported for a response the engine is not waiting for: one it did not ask
	 * for (e.g. started by the upstream's own turn detection), one it gave up on, or one whose end
	 * came after the engine stopped waiting. Billed all the same, once per {@code upstreamResponseId}.
	 * @param upstreamResponseId the upstream's id of the response, which keys its usage
	 */
	record UsageReported(String upstreamResponseId, TokenUsage usage) implements ProviderEvent {
	}

	/**
	 * The provider failed, or the upstream reported an error; {@code fatal} when the upstream session
	 * is gone (the engine may then resume on a new one).
	 * @param code the upstream's own error code where it gave one (e.g. OpenAI's
	 * {@code rate_limit_exceeded}), else Duplex's ({@code upstream_closed}, {@code upstream_timeout},
	 * {@code upstream_unreachable}, {@code model_unavailable})
	 * @param type the error's class for the client's {@code error.type}: {@code invalid_request_error}
	 * when the upstream blamed the request, else {@code server_error}
	 * @param param the request member the upstream blamed, if it named one
	 */
	record Failed(String code, String message, boolean fatal, String type, @Nullable String param)
			implements ProviderEvent {

		/** The error type of failures the client could not have avoided. */
		public static final String SERVER_ERROR = "server_error";

		/** A failure that is not the request's fault. */
		public Failed(String code, String message, boolean fatal) {
			this(code, message, fatal, SERVER_ERROR, null);
		}

	}

}

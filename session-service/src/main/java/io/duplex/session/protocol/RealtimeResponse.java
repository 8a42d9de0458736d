package io.duplex.session.protocol;

import java.util.List;
import java.util.Map;

import io.duplex.session.audio.AudioFormat;
import io.duplex.session.protocol.SessionConfig.MaxOutputTokens;
import io.duplex.session.protocol.SessionConfig.Modality;
import org.jspecify.annotations.Nullable;

/**
 * The response object of {@code response.created} and {@code response.done}
 * ({@code RealtimeResponse}): one model turn, its outcome, its output items and what it cost in
 * tokens. {@code response.done} is sent for every response, whatever the outcome, with usage.
 * @param id {@code resp_…}, see {@link Ids#response()}
 * @param statusDetails why a response did not complete; null when it did, or is in progress
 * @param output the items generated, without audio bytes
 * @param usage the tokens used; null while in progress
 * @param conversationId {@code conv_…}; null for an out-of-band response
 * @param outputFormat {@code audio.output.format}
 * @param voice {@code audio.output.voice}
 * @param metadata what the client attached in {@code response.create}
 * @see <a href="https://platform.openai.com/docs/api-reference/realtime-server-events/response/done">OpenAI response.done</a>
 */
public record RealtimeResponse(String id, Status status, @Nullable StatusDetails statusDetails,
		List<ConversationItem> output, @Nullable Usage usage, @Nullable String conversationId,
		List<Modality> outputModalities, MaxOutputTokens maxOutputTokens, @Nullable AudioFormat outputFormat,
		@Nullable String voice, @Nullable Map<String, String> metadata) {

	public RealtimeResponse {
		output = List.copyOf(output);
		outputModalities = List.copyOf(outputModalities);
	}

	/** The response as {@code response.created} reports it: in progress, no output, no usage. */
	public static RealtimeResponse started(String id, @Nullable String conversationId, List<Modality> outputModalities,
			MaxOutputTokens maxOutputTokens, @Nullable AudioFormat outputFormat, @Nullable String voice,
			@Nullable Map<String, String> metadata) {
		return new RealtimeResponse(id, Status.IN_PROGRESS, null, List.of(), null, conversationId, outputModalities,
				maxOutputTokens, outputFormat, voice, metadata);
	}

	/** This response finished with {@code status}, having produced {@code output} for {@code usage}. */
	public RealtimeResponse finished(Status status, @Nullable StatusDetails statusDetails,
			List<ConversationItem> output, Usage usage) {
		return new RealtimeResponse(this.id, status, statusDetails, output, usage, this.conversationId,
				this.outputModalities, this.maxOutputTokens, this.outputFormat, this.voice, this.metadata);
	}

	/** Where a response is, or how it ended. */
	public enum Status {

		IN_PROGRESS("in_progress"), COMPLETED("completed"), CANCELLED("cancelled"), FAILED("failed"),
		INCOMPLETE("incomplete");

		private final String wireName;

		Status(String wireName) {
			this.wireName = wireName;
		}

		public String wireName() {
			return this.wireName;
		}

	}

	/**
	 * Why a response did not complete.
	 * @param type the status it explains: cancelled, incomplete or failed
	 * @param reason turn_detected or client_cancelled (cancelled); max_output_tokens or
	 * content_filter (incomplete)
	 * @param errorType the error's type, when failed
	 * @param errorCode the error's code, when failed
	 */
	public record StatusDetails(String type, @Nullable String reason, @Nullable String errorType,
			@Nullable String errorCode) {

		/** The user spoke over the response, or the client cancelled it. */
		public static StatusDetails cancelled(String reason) {
			return new StatusDetails("cancelled", reason, null, null);
		}

		/** The response stopped short: out of output tokens, or filtered. */
		public static StatusDetails incomplete(String reason) {
			return new StatusDetails("incomplete", reason, null, null);
		}

		/** The response failed with this error. */
		public static StatusDetails failed(String errorType, @Nullable String errorCode) {
			return new StatusDetails("failed", null, errorType, errorCode);
		}

	}

	/**
	 * Tokens by modality.
	 * @param image image tokens; always 0 for output
	 */
	public record TokenCounts(long text, long audio, long image) {

		public static final TokenCounts NONE = new TokenCounts(0, 0, 0);

		public long total() {
			return this.text + this.audio + this.image;
		}

	}

	/**
	 * What a response cost, as billing needs it. The wire totals are derived, so they always add
	 * up: {@code input_tokens} is {@code input}'s total, {@code cached_tokens} is {@code cached}'s
	 * (a part of the input, not on top of it), {@code total_tokens} is input plus output.
	 * @param input every input token, cached ones included
	 * @param cached the input tokens served from the prompt cache
	 * @param output the tokens generated
	 */
	public record Usage(TokenCounts input, TokenCounts cached, TokenCounts output) {

		public static final Usage NONE = new Usage(TokenCounts.NONE, TokenCounts.NONE, TokenCounts.NONE);

		public long inputTokens() {
			return this.input.total();
		}

		public long outputTokens() {
			return this.output.total();
		}

		public long totalTokens() {
			return inputTokens() + outputTokens();
		}

	}

}

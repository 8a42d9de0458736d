package io.duplex.session.protocol;

import java.util.List;

import io.duplex.session.audio.AudioFormat;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The GA session object ({@code RealtimeSessionCreateRequestGA}) as a client sends it in
 * {@code session.update}, and as the server reports the effective one in {@code session.created}
 * and {@code session.updated}. In an update, a null member was not sent and stays as it was;
 * members that JSON {@code null} clears are {@link Clearable}.
 * <p>
 * Unknown members: the decoder accepts exactly the members the GA schema defines and rejects any
 * other with {@code unknown_parameter} (the beta's {@code input_audio_format}, {@code voice} or
 * {@code modalities} at the top, a typo anywhere), as OpenAI does, so that a client never believes
 * a setting took effect when it was ignored. The GA members Duplex does not act on itself
 * ({@code include}, {@code prompt}, {@code reasoning}, {@code parallel_tool_calls}, MCP tools) are
 * kept, verbatim where their shape is open, so that {@code session.updated} can report them and a
 * provider that understands them can receive them.
 * @param type whether this is a speech-to-speech ({@code realtime}) or transcription-only session
 * @param model the model; it cannot change once the session has started
 * @param instructions the system instructions; {@code ""} clears them
 * @param outputModalities {@code [audio]} (audio with a transcript) or {@code [text]}
 * @param input {@code audio.input}
 * @param output {@code audio.output}
 * @param tools the tools; an empty list clears them
 * @param maxOutputTokens the per-response output limit
 * @param truncation what happens when the conversation outgrows the context window
 * @param tracing OpenAI's trace settings, kept for providers that send traces
 * @param include extra server outputs, e.g. {@code item.input_audio_transcription.logprobs}
 * @param prompt a reusable prompt reference, kept verbatim ({@code null} node when cleared)
 * @param reasoning reasoning settings of reasoning models, kept verbatim
 * @param parallelToolCalls whether reasoning models may call tools in parallel
 * @see <a href="https://platform.openai.com/docs/api-reference/realtime-client-events/session/update">OpenAI session.update</a>
 */
public record SessionConfig(Type type, @Nullable String model, @Nullable String instructions,
		@Nullable List<Modality> outputModalities, @Nullable InputAudio input, @Nullable OutputAudio output,
		@Nullable List<Tool> tools, @Nullable ToolChoice toolChoice, @Nullable MaxOutputTokens maxOutputTokens,
		@Nullable Truncation truncation, @Nullable Clearable<Tracing> tracing, @Nullable List<String> include,
		@Nullable JsonNode prompt, @Nullable JsonNode reasoning, @Nullable Boolean parallelToolCalls) {

	/** An update that changes nothing but says which kind of session it is for. */
	public static SessionConfig empty(Type type) {
		return new SessionConfig(type, null, null, null, null, null, null, null, null, null, null, null, null, null,
				null);
	}

	/**
	 * This configuration with {@code update} applied as {@code session.update} does: members the
	 * update holds replace these, {@code audio.input} and {@code audio.output} member by member.
	 */
	public SessionConfig withUpdate(SessionConfig update) {
		return new SessionConfig(update.type, pick(update.model, this.model),
				pick(update.instructions, this.instructions), pick(update.outputModalities, this.outputModalities),
				InputAudio.merge(this.input, update.input), OutputAudio.merge(this.output, update.output),
				pick(update.tools, this.tools), pick(update.toolChoice, this.toolChoice),
				pick(update.maxOutputTokens, this.maxOutputTokens), pick(update.truncation, this.truncation),
				pick(update.tracing, this.tracing), pick(update.include, this.include),
				pick(update.prompt, this.prompt), pick(update.reasoning, this.reasoning),
				pick(update.parallelToolCalls, this.parallelToolCalls));
	}

	private static <T> @Nullable T pick(@Nullable T update, @Nullable T current) {
		return (update != null) ? update : current;
	}

	/** The two kinds of GA session. */
	public enum Type {

		REALTIME("realtime"), TRANSCRIPTION("transcription");

		private final String wireName;

		Type(String wireName) {
			this.wireName = wireName;
		}

		public String wireName() {
			return this.wireName;
		}

	}

	/** What the model answers with. */
	public enum Modality {

		TEXT("text"), AUDIO("audio");

		private final String wireName;

		Modality(String wireName) {
			this.wireName = wireName;
		}

		public String wireName() {
			return this.wireName;
		}

	}

	/** Which microphones noise reduction is tuned for. */
	public enum NoiseReduction {

		NEAR_FIELD("near_field"), FAR_FIELD("far_field");

		private final String wireName;

		NoiseReduction(String wireName) {
			this.wireName = wireName;
		}

		public String wireName() {
			return this.wireName;
		}

	}

	/**
	 * {@code audio.input}: how the client's audio arrives and what the server does with it.
	 * @param format PCM16 at 24 kHz, or G.711 µ-law or A-law at 8 kHz
	 * @param transcription the transcription model; cleared for none
	 * @param noiseReduction the noise filter; cleared for none
	 * @param turnDetection how turns end; cleared for manual commits
	 */
	public record InputAudio(@Nullable AudioFormat format, @Nullable Clearable<InputTranscription> transcription,
			@Nullable Clearable<NoiseReduction> noiseReduction, @Nullable Clearable<TurnDetection> turnDetection) {

		static @Nullable InputAudio merge(@Nullable InputAudio current, @Nullable InputAudio update) {
			if (current == null || update == null) {
				return (update != null) ? update : current;
			}
			return new InputAudio(pick(update.format, current.format), pick(update.transcription, current.transcription),
					pick(update.noiseReduction, current.noiseReduction),
					pick(update.turnDetection, current.turnDetection));
		}

	}

	/**
	 * {@code audio.output}: how the server's audio leaves.
	 * @param speed 0.25 to 1.5, default 1.0
	 */
	public record OutputAudio(@Nullable AudioFormat format, @Nullable Voice voice, @Nullable Double speed) {

		static @Nullable OutputAudio merge(@Nullable OutputAudio current, @Nullable OutputAudio update) {
			if (current == null || update == null) {
				return (update != null) ? update : current;
			}
			return new OutputAudio(pick(update.format, current.format), pick(update.voice, current.voice),
					pick(update.speed, current.speed));
		}

	}

	/**
	 * {@code audio.input.transcription}: the speech-to-text model that writes user transcripts.
	 * @param language an ISO-639-1 code such as {@code en}
	 * @param prompt guidance for the transcription model
	 * @param languages candidate languages, for models that take several
	 * @param keywords words to listen for, for models that take them
	 * @param delay minimal, low, medium, high or xhigh, for streaming models
	 */
	public record InputTranscription(@Nullable String model, @Nullable String language, @Nullable String prompt,
			@Nullable List<String> languages, @Nullable List<String> keywords, @Nullable String delay) {

	}

	/**
	 * A voice: a built-in name such as {@code marin}, or a custom voice's id.
	 * @param custom whether the client named it as {@code {"id": …}}
	 */
	public record Voice(String id, boolean custom) {

		public static Voice named(String name) {
			return new Voice(name, false);
		}

	}

	/**
	 * {@code max_output_tokens}: 1 to 4096, or {@code inf}.
	 * @param limit the limit, or null for {@code inf}
	 */
	public record MaxOutputTokens(@Nullable Integer limit) {

		public static final MaxOutputTokens INF = new MaxOutputTokens(null);

		public static MaxOutputTokens of(int limit) {
			return new MaxOutputTokens(limit);
		}

		public boolean isInf() {
			return this.limit == null;
		}

	}

	/**
	 * {@code truncation}: {@code auto}, {@code disabled}, or {@code retention_ratio} with its ratio.
	 * @param type auto, disabled or retention_ratio
	 * @param retentionRatio 0.0 to 1.0, for retention_ratio
	 * @param postInstructionsTokenLimit the {@code token_limits.post_instructions} of retention_ratio
	 */
	public record Truncation(String type, @Nullable Double retentionRatio, @Nullable Integer postInstructionsTokenLimit) {

		public static final Truncation AUTO = new Truncation("auto", null, null);

		public static final Truncation DISABLED = new Truncation("disabled", null, null);

	}

	/**
	 * {@code tracing}: {@code auto}, or named workflow settings.
	 * @param auto whether the client sent the string {@code auto}
	 * @param metadata arbitrary trace metadata, kept verbatim
	 */
	public record Tracing(boolean auto, @Nullable String workflowName, @Nullable String groupId,
			@Nullable ObjectNode metadata) {

		public static final Tracing AUTO = new Tracing(true, null, null, null);

	}

}

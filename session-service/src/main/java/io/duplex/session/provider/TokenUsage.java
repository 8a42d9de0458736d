package io.duplex.session.provider;

/**
 * What one response consumed, as the provider reports (or, for the sandbox, computes) it. Cached
 * tokens are part of the input totals, as in OpenAI's usage objects. A cascade also reports the
 * seconds of user audio its speech-to-text model transcribed for the response (the turns it heard
 * since the previous response) and the characters its text-to-speech model spoke.
 * @param sttMillis milliseconds of audio transcribed, exact; billed as {@code stt_seconds}
 * @param ttsCharacters characters (Unicode code points) synthesised; billed as {@code tts_characters}
 */
public record TokenUsage(long inputTextTokens, long inputAudioTokens, long cachedTextTokens, long cachedAudioTokens,
		long outputTextTokens, long outputAudioTokens, long sttMillis, long ttsCharacters) {

	public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, 0, 0);

	/** Token counts only, as a speech-to-speech model reports them. */
	public TokenUsage(long inputTextTokens, long inputAudioTokens, long cachedTextTokens, long cachedAudioTokens,
			long outputTextTokens, long outputAudioTokens) {
		this(inputTextTokens, inputAudioTokens, cachedTextTokens, cachedAudioTokens, outputTextTokens,
				outputAudioTokens, 0, 0);
	}

	public long inputTokens() {
		return this.inputTextTokens + this.inputAudioTokens;
	}

	public long outputTokens() {
		return this.outputTextTokens + this.outputAudioTokens;
	}

	public long totalTokens() {
		return inputTokens() + outputTokens();
	}

}

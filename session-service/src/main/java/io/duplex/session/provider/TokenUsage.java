package io.duplex.session.provider;

/**
 * What one response consumed, as the provider reports (or, for the sandbox, computes) it. Cached
 * tokens are part of the input totals, as in OpenAI's usage objects. A cascade also reports the
 * seconds of user audio its speech-to-text model transcribed for the response (the turns it heard
 * since the previous response) and the characters its text-to-speech model spoke.
 * @param sttMillis milliseconds of audio transcribed, exact; billed as {@code stt_seconds}
 * @param ttsCharacters characters (Unicode code points) synthesised; billed as {@code tts_characters}
 * @param estimated whether these figures were estimated from what was produced (a response cut off
 * before the provider reported its usage), not reported by the provider
 */
public record TokenUsage(long inputTextTokens, long inputAudioTokens, long cachedTextTokens, long cachedAudioTokens,
		long outputTextTokens, long outputAudioTokens, long sttMillis, long ttsCharacters, boolean estimated) {

	public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, 0, 0);

	/** Usage as the provider reported it. */
	public TokenUsage(long inputTextTokens, long inputAudioTokens, long cachedTextTokens, long cachedAudioTokens,
			long outputTextTokens, long outputAudioTokens, long sttMillis, long ttsCharacters) {
		this(inputTextTokens, inputAudioTokens, cachedTextTokens, cachedAudioTokens, outputTextTokens,
				outputAudioTokens, sttMillis, ttsCharacters, false);
	}

	/** Token counts only, as a speech-to-speech model reports them. */
	public TokenUsage(long inputTextTokens, long inputAudioTokens, long cachedTextTokens, long cachedAudioTokens,
			long outputTextTokens, long outputAudioTokens) {
		this(inputTextTokens, inputAudioTokens, cachedTextTokens, cachedAudioTokens, outputTextTokens,
				outputAudioTokens, 0, 0);
	}

	/** Output estimated from what was produced: text tokens and audio tokens, nothing read. */
	public static TokenUsage estimatedOutput(long outputTextTokens, long outputAudioTokens) {
		return new TokenUsage(0, 0, 0, 0, outputTextTokens, outputAudioTokens, 0, 0, true);
	}

	/** Whether there is nothing to bill. */
	public boolean isEmpty() {
		return totalTokens() == 0 && this.sttMillis == 0 && this.ttsCharacters == 0;
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

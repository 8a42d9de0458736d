package io.duplex.session.provider;

/**
 * Tokens one response consumed, as the provider reports (or, for the sandbox, computes) them.
 * Cached tokens are part of the input totals, as in OpenAI's usage objects.
 */
public record TokenUsage(long inputTextTokens, long inputAudioTokens, long cachedTextTokens, long cachedAudioTokens,
		long outputTextTokens, long outputAudioTokens) {

	public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, 0, 0);

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

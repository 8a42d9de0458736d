package io.duplex.session.lifecycle;

/**
 * Token counts of a session, or an amount to add to them. Cached tokens are the part of the input
 * tokens that came from the prompt cache, as in OpenAI's usage: they are not added again to the
 * total.
 * @param responses how many responses these tokens belong to
 */
public record UsageTotals(int responses, long inputTextTokens, long inputAudioTokens, long cachedTextTokens,
		long cachedAudioTokens, long outputTextTokens, long outputAudioTokens) {

	public static final UsageTotals NONE = new UsageTotals(0, 0, 0, 0, 0, 0, 0);

	/** Input and output tokens together. */
	public long totalTokens() {
		return this.inputTextTokens + this.inputAudioTokens + this.outputTextTokens + this.outputAudioTokens;
	}

}

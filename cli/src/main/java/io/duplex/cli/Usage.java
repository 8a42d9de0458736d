package io.duplex.cli;

import tools.jackson.databind.JsonNode;

/**
 * Tokens of one or more responses, as {@code response.done} reports them; cached tokens are a
 * part of the input tokens, not an addition to them.
 * @param inputText input text tokens
 * @param inputAudio input audio tokens
 * @param cachedText cached input text tokens
 * @param cachedAudio cached input audio tokens
 * @param outputText output text tokens (transcripts count here too)
 * @param outputAudio output audio tokens
 */
record Usage(long inputText, long inputAudio, long cachedText, long cachedAudio, long outputText, long outputAudio) {

	static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0);

	/** The usage of a {@code response.done} event's {@code response.usage}; missing counts are 0. */
	static Usage from(JsonNode usage) {
		JsonNode input = usage.path("input_token_details");
		JsonNode cached = input.path("cached_tokens_details");
		JsonNode output = usage.path("output_token_details");
		return new Usage(input.path("text_tokens").asLong(0), input.path("audio_tokens").asLong(0),
				cached.path("text_tokens").asLong(0), cached.path("audio_tokens").asLong(0),
				output.path("text_tokens").asLong(0), output.path("audio_tokens").asLong(0));
	}

	Usage plus(Usage other) {
		return new Usage(this.inputText + other.inputText, this.inputAudio + other.inputAudio,
				this.cachedText + other.cachedText, this.cachedAudio + other.cachedAudio,
				this.outputText + other.outputText, this.outputAudio + other.outputAudio);
	}

	long input() {
		return this.inputText + this.inputAudio;
	}

	long cached() {
		return this.cachedText + this.cachedAudio;
	}

	long output() {
		return this.outputText + this.outputAudio;
	}

	long total() {
		return input() + output();
	}

}

package io.duplex.session.protocol;

/**
 * What transcribing one user item cost, in {@code conversation.item.input_audio_transcription.completed};
 * it is billed at the transcription model's price, apart from responses.
 */
public sealed interface TranscriptionUsage {

	/** Token-priced models (the {@code gpt-4o-transcribe} family): audio and prompt text in, text out. */
	record Tokens(long inputTextTokens, long inputAudioTokens, long outputTokens) implements TranscriptionUsage {

		public long inputTokens() {
			return this.inputTextTokens + this.inputAudioTokens;
		}

		public long totalTokens() {
			return inputTokens() + this.outputTokens;
		}

	}

	/** Time-priced models ({@code whisper-1}): seconds of audio. */
	record Duration(double seconds) implements TranscriptionUsage {

	}

}

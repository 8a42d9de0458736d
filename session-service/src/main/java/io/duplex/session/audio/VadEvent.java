package io.duplex.session.audio;

/**
 * What the {@link VoiceActivityDetector} noticed, timed on the stream's audio clock: milliseconds
 * of audio fed to the detector since it was created, as OpenAI's {@code input_audio_buffer}
 * events report them.
 */
public sealed interface VadEvent {

	/**
	 * Speech began; becomes {@code input_audio_buffer.speech_started}.
	 * @param audioStartMs where the speech began minus the prefix padding (never below 0), so that
	 * the committed audio keeps a little lead-in
	 */
	record SpeechStarted(long audioStartMs) implements VadEvent {
	}

	/**
	 * Speech ended; becomes {@code input_audio_buffer.speech_stopped}. It is reported once the
	 * silence duration has passed, so it arrives that much later than {@code audioEndMs}.
	 * @param audioEndMs where the last speech frame ended
	 */
	record SpeechStopped(long audioEndMs) implements VadEvent {
	}

}

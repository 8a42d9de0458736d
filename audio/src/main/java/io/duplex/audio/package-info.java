/**
 * Audio both the session service and the command-line client need, in plain Java with no
 * dependencies: WAV files ({@link io.duplex.audio.Wav}) and the deterministic speech-like sound of
 * the sandbox's voice and of {@code duplex talk --make-wav} ({@link io.duplex.audio.SpeechTone}).
 */
@NullMarked
package io.duplex.audio;

import org.jspecify.annotations.NullMarked;

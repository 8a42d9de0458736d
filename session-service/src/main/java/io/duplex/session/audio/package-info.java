/**
 * Pure-Java signal processing for the realtime audio path: the OpenAI Realtime wire formats,
 * G.711, 8 kHz to 24 kHz resampling and server-side voice activity detection (WAV files are read
 * and written by {@code io.duplex.audio.Wav}). Nothing here does I/O or knows about Spring;
 * everything is cheap enough to run on every 20 ms frame of every session, and stateful objects
 * belong to exactly one audio stream.
 */
@NullMarked
package io.duplex.session.audio;

import org.jspecify.annotations.NullMarked;

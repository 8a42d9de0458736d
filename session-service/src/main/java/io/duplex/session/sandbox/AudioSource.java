package io.duplex.session.sandbox;

import io.duplex.session.audio.Pcm16;

/**
 * Where a response's output audio comes from: PCM16 24 kHz mono samples, read one chunk at a time
 * when the chunk is due, so a long answer is never held in memory twice.
 */
sealed interface AudioSource permits AudioSource.Recording, Voice {

	/** How many samples there are. */
	int length();

	/** Samples {@code [from, from + count)} as PCM16 little-endian bytes. */
	byte[] pcm(int from, int count);

	/** Audio that exists already: a user's turn played back exactly. */
	record Recording(short[] samples) implements AudioSource {

		@Override
		public int length() {
			return this.samples.length;
		}

		@Override
		public byte[] pcm(int from, int count) {
			return Pcm16.toBytes(this.samples, from, count);
		}

	}

}

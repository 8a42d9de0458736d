package io.duplex.session.audio;

import java.util.Optional;

/** The audio encodings the OpenAI Realtime API puts on the wire, with the arithmetic that relates bytes to time. */
public enum AudioFormat {

	/** 16-bit signed little-endian PCM, mono, 24 kHz: the format the session engine works in. */
	PCM16("audio/pcm", "pcm16", 24_000, 2),

	/** G.711 µ-law, mono, 8 kHz: what North American telephony delivers. */
	PCMU("audio/pcmu", "g711_ulaw", 8_000, 1),

	/** G.711 A-law, mono, 8 kHz: what most other telephony delivers. */
	PCMA("audio/pcma", "g711_alaw", 8_000, 1);

	private final String wireName;

	private final String legacyName;

	private final int sampleRate;

	private final int bytesPerSample;

	AudioFormat(String wireName, String legacyName, int sampleRate, int bytesPerSample) {
		this.wireName = wireName;
		this.legacyName = legacyName;
		this.sampleRate = sampleRate;
		this.bytesPerSample = bytesPerSample;
	}

	/**
	 * The format with this {@code type} as the GA API writes it ({@code audio/pcm}), or as the
	 * beta API's {@code input_audio_format} did ({@code pcm16}, {@code g711_ulaw},
	 * {@code g711_alaw}), because clients written against the beta still send those.
	 */
	public static Optional<AudioFormat> fromWireName(String name) {
		for (AudioFormat format : values()) {
			if (format.wireName.equals(name) || format.legacyName.equals(name)) {
				return Optional.of(format);
			}
		}
		return Optional.empty();
	}

	/** The GA API's name, e.g. {@code audio/pcmu}. */
	public String wireName() {
		return this.wireName;
	}

	/** Samples per second of the single channel. */
	public int sampleRate() {
		return this.sampleRate;
	}

	public int bytesPerSample() {
		return this.bytesPerSample;
	}

	/** Whole samples in {@code byteCount} bytes; a trailing partial sample does not count. */
	public long samples(long byteCount) {
		return byteCount / this.bytesPerSample;
	}

	/** How long {@code byteCount} bytes play, in microseconds, rounded down. */
	public long durationMicros(long byteCount) {
		return samples(byteCount) * 1_000_000L / this.sampleRate;
	}

	/** How long {@code byteCount} bytes play, in milliseconds, rounded down. */
	public long durationMillis(long byteCount) {
		return samples(byteCount) * 1_000L / this.sampleRate;
	}

	/** How many bytes play for {@code millis} milliseconds, rounded down to whole samples. */
	public long bytesFor(long millis) {
		return millis * this.sampleRate / 1_000L * this.bytesPerSample;
	}

}

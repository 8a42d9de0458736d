package io.duplex.session.audio;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-frame path runs 100 times a second for every session, so once warmed up it must not
 * allocate: garbage there would grow with the number of sessions.
 */
class AllocationTests {

	private static final int FRAME = 480;

	/** Room for whatever the measurement itself costs; a per-frame allocation would be tens of kilobytes. */
	private static final long SLACK_BYTES = 512;

	@Test
	void feedWhenNoEventsThenAllocatesNothing() {
		short[] audio = new SpeechLikeAudio(1).silence(1_000).speech(1_000).samples();
		VoiceActivityDetector detector = new VoiceActivityDetector();
		feedFrames(detector, audio);
		// the same audio again: speech still going on from before, so no event until it stops
		short[] speech = new SpeechLikeAudio(1).speech(400).samples();
		assertThat(allocatedBy(() -> {
			for (int i = 0; i < 50; i++) {
				feedFrames(detector, speech);
			}
		})).isLessThan(SLACK_BYTES);
		assertThat(detector.isSpeaking()).isTrue();
	}

	@ParameterizedTest
	@EnumSource(AudioFormat.class)
	void decodeIntoABufferAllocatesNothing(AudioFormat format) {
		short[] speech = new SpeechLikeAudio(2).speech(1_000).samples();
		byte[] wire = new AudioEncoder(format).encode(speech, 0, speech.length);
		AudioDecoder decoder = new AudioDecoder(format);
		short[] out = new short[decoder.outputLength(wire.length) + 1];
		decoder.decode(wire, 0, wire.length, out, 0);
		int chunk = (int) format.bytesFor(20);
		assertThat(allocatedBy(() -> {
			for (int at = 0; at + chunk <= wire.length; at += chunk) {
				decoder.decode(wire, at, chunk, out, 0);
			}
		})).isLessThan(SLACK_BYTES);
	}

	@ParameterizedTest
	@EnumSource(AudioFormat.class)
	void encodeIntoABufferAllocatesNothing(AudioFormat format) {
		short[] speech = new SpeechLikeAudio(3).speech(1_000).samples();
		AudioEncoder encoder = new AudioEncoder(format);
		byte[] out = new byte[encoder.outputLength(speech.length) + 1];
		encoder.encode(speech, 0, speech.length, out, 0);
		assertThat(allocatedBy(() -> {
			for (int at = 0; at + FRAME <= speech.length; at += FRAME) {
				encoder.encode(speech, at, FRAME, out, 0);
			}
		})).isLessThan(SLACK_BYTES);
	}

	private static void feedFrames(VoiceActivityDetector detector, short[] audio) {
		for (int at = 0; at + FRAME <= audio.length; at += FRAME) {
			detector.feed(audio, at, FRAME);
		}
	}

	private static long allocatedBy(Runnable work) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long before = threads.getCurrentThreadAllocatedBytes();
		work.run();
		return threads.getCurrentThreadAllocatedBytes() - before;
	}

}

package io.duplex.session.audio;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AudioDecoderTests {

	@Test
	void decodeWhenPcm16ThenSamplesUnchanged() {
		short[] samples = new SpeechLikeAudio(1).speech(200).samples();
		assertThat(new AudioDecoder(AudioFormat.PCM16).decode(Pcm16.toBytes(samples))).containsExactly(samples);
	}

	@Test
	void decodeWhenPcm16ChunkSplitsASampleThenCarriesTheByte() {
		AudioDecoder decoder = new AudioDecoder(AudioFormat.PCM16);
		byte[] bytes = { 0x34, 0x12, 0x78, 0x56, (byte) 0xBC, (byte) 0x9A };
		assertThat(decoder.outputLength(3)).isEqualTo(1);
		assertThat(decoder.decode(new byte[] { 0x34, 0x12, 0x78 })).containsExactly((short) 0x1234);
		assertThat(decoder.outputLength(1)).isEqualTo(1);
		assertThat(decoder.decode(new byte[] { 0x56 })).containsExactly((short) 0x5678);
		assertThat(decoder.decode(new byte[] { (byte) 0xBC })).isEmpty();
		assertThat(decoder.decode(new byte[] { (byte) 0x9A })).containsExactly((short) 0x9ABC);
		assertThat(new AudioDecoder(AudioFormat.PCM16).decode(bytes)).containsExactly((short) 0x1234, (short) 0x5678,
				(short) 0x9ABC);
	}

	@Test
	void decodeWhenPcmuOneKilohertzToneThenTwentyFourKilohertzToneOfSameLevel() {
		short[] tone = Signals.sine(1_000, 10_000, 8_000, 8_000);
		byte[] pcmu = new byte[tone.length];
		G711.MU_LAW.encode(tone, 0, tone.length, pcmu, 0);
		short[] decoded = new AudioDecoder(AudioFormat.PCMU).decode(pcmu);
		assertThat(decoded).hasSize(24_000);
		assertThat(Signals.frequency(decoded, 96, decoded.length, 24_000)).isCloseTo(1_000, within(0.05));
		// µ-law's quantisation costs at most a few tenths of a dB of level
		assertThat(Signals.amplitudeAt(decoded, 96, 96 + 23_040, 1_000, 24_000)).isCloseTo(10_000, within(150.0));
	}

	@Test
	void decodeWhenPcmaThenExpandsEveryByteToThreeSamples() {
		AudioDecoder decoder = new AudioDecoder(AudioFormat.PCMA);
		assertThat(decoder.outputLength(160)).isEqualTo(480);
		short[] out = new short[500];
		assertThat(decoder.decode(new byte[160], 0, 160, out, 10)).isEqualTo(480);
	}

	@Test
	void decodeWhenPcmaSilenceCodeThenNearSilence() {
		byte[] silence = new byte[800];
		Arrays.fill(silence, (byte) 0xD5);
		short[] decoded = new AudioDecoder(AudioFormat.PCMA).decode(silence);
		// 0xD5 is +8, the smallest positive A-law level; the filter passes a constant unchanged once settled
		assertThat(Arrays.copyOfRange(decoded, 96, decoded.length)).containsOnly((short) 8);
	}

	@ParameterizedTest
	@EnumSource(AudioFormat.class)
	void decodeWhenFedInRandomChunksThenSameAsWholeStream(AudioFormat format) {
		short[] speech = new SpeechLikeAudio(2).silence(100).speech(500).samples();
		byte[] wire = new AudioEncoder(format).encode(speech, 0, speech.length);
		short[] whole = new AudioDecoder(format).decode(wire);
		AudioDecoder decoder = new AudioDecoder(format);
		short[] chunked = new short[whole.length];
		Random random = new Random(format.ordinal());
		int written = 0;
		for (int at = 0; at < wire.length;) {
			int length = Math.min(wire.length - at, random.nextInt(401));
			int expected = decoder.outputLength(length);
			int produced = decoder.decode(wire, at, length, chunked, written);
			assertThat(produced).isEqualTo(expected);
			written += produced;
			at += length;
		}
		assertThat(written).isEqualTo(whole.length);
		assertThat(chunked).containsExactly(whole);
	}

	@Test
	void resetWhenPcm16ThenForgetsTheCarriedByte() {
		AudioDecoder decoder = new AudioDecoder(AudioFormat.PCM16);
		decoder.decode(new byte[] { 0x11 });
		decoder.reset();
		assertThat(decoder.decode(new byte[] { 0x34, 0x12 })).containsExactly((short) 0x1234);
	}

	@Test
	void resetWhenPcmuThenDecodesLikeANewDecoder() {
		byte[] wire = new AudioEncoder(AudioFormat.PCMU).encode(new SpeechLikeAudio(6).speech(300).samples(), 0, 7_200);
		AudioDecoder used = new AudioDecoder(AudioFormat.PCMU);
		used.decode(wire);
		used.reset();
		assertThat(used.decode(wire)).containsExactly(new AudioDecoder(AudioFormat.PCMU).decode(wire));
	}

	@Test
	void formatIsTheOneGiven() {
		assertThat(new AudioDecoder(AudioFormat.PCMA).format()).isEqualTo(AudioFormat.PCMA);
	}

}

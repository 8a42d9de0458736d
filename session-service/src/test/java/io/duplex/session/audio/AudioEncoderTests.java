package io.duplex.session.audio;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AudioEncoderTests {

	@Test
	void encodeWhenPcm16ThenLittleEndianBytes() {
		short[] samples = { 0x1234, -2 };
		assertThat(new AudioEncoder(AudioFormat.PCM16).encode(samples, 0, 2)).containsExactly(0x34, 0x12, 0xFE, 0xFF);
	}

	@Test
	void encodeWhenPcmuThenOneByteForEveryThreeSamples() {
		AudioEncoder encoder = new AudioEncoder(AudioFormat.PCMU);
		assertThat(encoder.outputLength(480)).isEqualTo(160);
		assertThat(encoder.encode(new short[480], 0, 480)).hasSize(160).containsOnly((byte) 0xFF);
	}

	@Test
	void encodeWhenChunkNotAMultipleOfThreeThenRemainderCarriesOver() {
		AudioEncoder encoder = new AudioEncoder(AudioFormat.PCMA);
		assertThat(encoder.encode(new short[4], 0, 4)).hasSize(1);
		assertThat(encoder.outputLength(2)).isEqualTo(1);
		assertThat(encoder.encode(new short[2], 0, 2)).hasSize(1);
		assertThat(encoder.encode(new short[1], 0, 1)).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(value = AudioFormat.class, names = { "PCMU", "PCMA" })
	void encodeThenDecodeWhenOneKilohertzToneThenSameToneComesBack(AudioFormat format) {
		short[] tone = Signals.sine(1_000, 10_000, 24_000, 24_000);
		byte[] wire = new AudioEncoder(format).encode(tone, 0, tone.length);
		assertThat(wire).hasSize(8_000);
		short[] back = new AudioDecoder(format).decode(wire);
		assertThat(Signals.frequency(back, 96, back.length, 24_000)).isCloseTo(1_000, within(0.05));
		assertThat(Signals.amplitudeAt(back, 96, 96 + 23_040, 1_000, 24_000)).isCloseTo(10_000, within(200.0));
	}

	@ParameterizedTest
	@EnumSource(value = AudioFormat.class, names = { "PCMU", "PCMA" })
	void encodeWhenToneAboveTelephoneBandThenFiltered(AudioFormat format) {
		short[] tone = Signals.sine(9_000, 20_000, 24_000, 24_000);
		short[] back = new AudioDecoder(format).decode(new AudioEncoder(format).encode(tone, 0, tone.length));
		assertThat(Signals.decibels(Signals.rms(back, 96, back.length) / 20_000)).isLessThan(-50);
	}

	@ParameterizedTest
	@EnumSource(AudioFormat.class)
	void encodeWhenFedInRandomChunksThenSameAsWholeStream(AudioFormat format) {
		short[] speech = new SpeechLikeAudio(8).silence(100).speech(500).samples();
		byte[] whole = new AudioEncoder(format).encode(speech, 0, speech.length);
		AudioEncoder encoder = new AudioEncoder(format);
		byte[] chunked = new byte[whole.length];
		Random random = new Random(format.ordinal());
		int written = 0;
		for (int at = 0; at < speech.length;) {
			int length = Math.min(speech.length - at, random.nextInt(1_200));
			int expected = encoder.outputLength(length);
			int produced = encoder.encode(speech, at, length, chunked, written);
			assertThat(produced).isEqualTo(expected);
			written += produced;
			at += length;
		}
		assertThat(written).isEqualTo(whole.length);
		assertThat(chunked).containsExactly(whole);
	}

	@Test
	void resetThenEncodesLikeANewEncoder() {
		short[] speech = new SpeechLikeAudio(9).speech(300).samples();
		AudioEncoder used = new AudioEncoder(AudioFormat.PCMU);
		used.encode(speech, 0, 1_001);
		used.reset();
		assertThat(used.encode(speech, 0, speech.length))
			.containsExactly(new AudioEncoder(AudioFormat.PCMU).encode(speech, 0, speech.length));
	}

	@Test
	void formatIsTheOneGiven() {
		assertThat(new AudioEncoder(AudioFormat.PCMU).format()).isEqualTo(AudioFormat.PCMU);
	}

}

package io.duplex.session.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class G711Tests {

	@Test
	void decodeWhenMuLawKnownCodesThenReferenceValues() {
		assertThat(G711.MU_LAW.decode((byte) 0xFF)).isEqualTo((short) 0);
		assertThat(G711.MU_LAW.decode((byte) 0x7F)).isEqualTo((short) 0);
		assertThat(G711.MU_LAW.decode((byte) 0xFE)).isEqualTo((short) 8);
		assertThat(G711.MU_LAW.decode((byte) 0x7E)).isEqualTo((short) -8);
		assertThat(G711.MU_LAW.decode((byte) 0x80)).isEqualTo((short) 32124);
		assertThat(G711.MU_LAW.decode((byte) 0x00)).isEqualTo((short) -32124);
		assertThat(G711.MU_LAW.decode((byte) 0x01)).isEqualTo((short) -31100);
		assertThat(G711.MU_LAW.decode((byte) 0x0F)).isEqualTo((short) -16764);
		assertThat(G711.MU_LAW.decode((byte) 0x10)).isEqualTo((short) -15996);
	}

	@Test
	void decodeWhenALawKnownCodesThenReferenceValues() {
		assertThat(G711.A_LAW.decode((byte) 0xD5)).isEqualTo((short) 8);
		assertThat(G711.A_LAW.decode((byte) 0x55)).isEqualTo((short) -8);
		assertThat(G711.A_LAW.decode((byte) 0xAA)).isEqualTo((short) 32256);
		assertThat(G711.A_LAW.decode((byte) 0x2A)).isEqualTo((short) -32256);
		assertThat(G711.A_LAW.decode((byte) 0x00)).isEqualTo((short) -5504);
		assertThat(G711.A_LAW.decode((byte) 0x80)).isEqualTo((short) 5504);
	}

	@Test
	void encodeWhenMuLawKnownSamplesThenReferenceCodes() {
		assertThat(G711.MU_LAW.encode(0)).isEqualTo((byte) 0xFF);
		assertThat(G711.MU_LAW.encode(-1)).isEqualTo((byte) 0x7F);
		assertThat(G711.MU_LAW.encode(8)).isEqualTo((byte) 0xFE);
		assertThat(G711.MU_LAW.encode(32767)).isEqualTo((byte) 0x80);
		assertThat(G711.MU_LAW.encode(-32768)).isEqualTo((byte) 0x00);
	}

	@Test
	void encodeWhenALawKnownSamplesThenReferenceCodes() {
		assertThat(G711.A_LAW.encode(0)).isEqualTo((byte) 0xD5);
		assertThat(G711.A_LAW.encode(-1)).isEqualTo((byte) 0x55);
		assertThat(G711.A_LAW.encode(32767)).isEqualTo((byte) 0xAA);
		assertThat(G711.A_LAW.encode(-32768)).isEqualTo((byte) 0x2A);
	}

	@ParameterizedTest
	@EnumSource(G711.class)
	void decodeWhenAnyCodeThenAgreesWithJavaSound(G711 law) throws IOException {
		byte[] codes = new byte[256];
		for (int code = 0; code < 256; code++) {
			codes[code] = (byte) code;
		}
		short[] expected = decodeWithJavaSound(codes, law);
		for (int code = 0; code < 256; code++) {
			assertThat(law.decode((byte) code)).as("code %02x", code).isEqualTo(expected[code]);
		}
	}

	/**
	 * The JDK's encoders are the old Sun code: they agree with the ITU reference for positive
	 * samples, but its µ-law one overflows above 32635 and both round negative samples their own
	 * way, so only the positive range below that is compared.
	 */
	@ParameterizedTest
	@EnumSource(G711.class)
	void encodeWhenNonNegativeSampleThenAgreesWithJavaSound(G711 law) throws IOException {
		int top = (law == G711.MU_LAW) ? 32635 : 32767;
		short[] linear = new short[top + 1];
		for (int x = 0; x <= top; x++) {
			linear[x] = (short) x;
		}
		byte[] expected = encodeWithJavaSound(linear, law);
		for (int x = 0; x <= top; x++) {
			assertThat(law.encode(x)).as("sample %d", x).isEqualTo(expected[x]);
		}
	}

	@ParameterizedTest
	@EnumSource(G711.class)
	void encodeWhenNegativeThenMirrorsItsOnesComplement(G711 law) {
		// the sign is bit 7 in both laws; A-law's even-bit inversion leaves it alone
		for (int x = 0; x <= 32767; x++) {
			assertThat(law.encode(~x) & 0xFF).as("sample %d", ~x).isEqualTo((law.encode(x) & 0xFF) ^ 0x80);
		}
	}

	@ParameterizedTest
	@EnumSource(G711.class)
	void encodeThenDecodeWhenInRangeThenErrorAtMostHalfAStep(G711 law) {
		int top = law.decode(law.encode(32767));
		for (int x = -32768; x <= 32767; x++) {
			byte code = law.encode(x);
			int error = Math.abs(law.decode(code) - x);
			if (Math.abs(x) <= top) {
				assertThat(error).as("sample %d", x).isLessThanOrEqualTo(step(law, code) / 2);
			}
			else {
				assertThat(Math.abs(law.decode(code))).as("clipped sample %d", x).isEqualTo(top);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(G711.class)
	void encodeThenDecodeIsMonotonic(G711 law) {
		int previous = Integer.MIN_VALUE;
		for (int x = -32768; x <= 32767; x++) {
			int decoded = law.decode(law.encode(x));
			assertThat(decoded).as("sample %d", x).isGreaterThanOrEqualTo(previous);
			previous = decoded;
		}
	}

	@Test
	void decodeThenEncodeWhenMuLawThenEveryCodeButNegativeZeroRoundTrips() {
		for (int code = 0; code < 256; code++) {
			int expected = (code == 0x7F) ? 0xFF : code;
			assertThat(G711.MU_LAW.encode(G711.MU_LAW.decode((byte) code)) & 0xFF).as("code %02x", code).isEqualTo(expected);
		}
	}

	@Test
	void decodeThenEncodeWhenALawThenEveryCodeRoundTrips() {
		for (int code = 0; code < 256; code++) {
			assertThat(G711.A_LAW.encode(G711.A_LAW.decode((byte) code)) & 0xFF).as("code %02x", code).isEqualTo(code);
		}
	}

	@ParameterizedTest
	@EnumSource(G711.class)
	void encodeThenDecodeWhenSpeechLevelSineThenSignalToNoiseAboveThirtyFiveDb(G711 law) {
		for (double dbfs : new double[] { -30, -20, -10, -3.5 }) {
			// 1020 Hz rather than 1 kHz, whose eight samples a period would repeat the same few codes
			short[] sine = Signals.sine(1_020, 32768 * Math.sqrt(2) * Math.pow(10, dbfs / 20), 8_000, 8_000);
			double signal = 0;
			double noise = 0;
			for (short sample : sine) {
				int error = law.decode(law.encode(sample)) - sample;
				signal += (double) sample * sample;
				noise += (double) error * error;
			}
			assertThat(10 * Math.log10(signal / noise)).as("%s dBFS", dbfs).isGreaterThan(35);
		}
	}

	@ParameterizedTest
	@EnumSource(G711.class)
	void bulkMethodsMatchSingleSamples(G711 law) {
		short[] samples = Signals.sine(440, 20_000, 8_000, 500);
		byte[] codes = new byte[samples.length + 3];
		law.encode(samples, 0, samples.length, codes, 3);
		short[] decoded = new short[samples.length + 2];
		law.decode(codes, 3, samples.length, decoded, 2);
		for (int i = 0; i < samples.length; i++) {
			assertThat(codes[3 + i]).isEqualTo(law.encode(samples[i]));
			assertThat(decoded[2 + i]).isEqualTo(law.decode(codes[3 + i]));
		}
	}

	/** The quantisation step of the segment a code belongs to, in 16-bit units. */
	private static int step(G711 law, byte code) {
		if (law == G711.MU_LAW) {
			return 8 << ((~code >> 4) & 0x07);
		}
		int exponent = ((code ^ 0x55) >> 4) & 0x07;
		return 16 << Math.max(0, exponent - 1);
	}

	private static short[] decodeWithJavaSound(byte[] codes, G711 law) throws IOException {
		return Pcm16.toShorts(convert(codes, lawFormat(law), pcmFormat()));
	}

	private static byte[] encodeWithJavaSound(short[] samples, G711 law) throws IOException {
		return convert(Pcm16.toBytes(samples), pcmFormat(), lawFormat(law));
	}

	private static javax.sound.sampled.AudioFormat lawFormat(G711 law) {
		javax.sound.sampled.AudioFormat.Encoding encoding = (law == G711.MU_LAW)
				? javax.sound.sampled.AudioFormat.Encoding.ULAW : javax.sound.sampled.AudioFormat.Encoding.ALAW;
		return new javax.sound.sampled.AudioFormat(encoding, 8_000, 8, 1, 1, 8_000, false);
	}

	private static javax.sound.sampled.AudioFormat pcmFormat() {
		return new javax.sound.sampled.AudioFormat(8_000, 16, 1, true, false);
	}

	private static byte[] convert(byte[] input, javax.sound.sampled.AudioFormat from,
			javax.sound.sampled.AudioFormat to) throws IOException {
		AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(input), from,
				input.length / from.getFrameSize());
		try (AudioInputStream converted = AudioSystem.getAudioInputStream(to, in)) {
			return converted.readAllBytes();
		}
	}

}

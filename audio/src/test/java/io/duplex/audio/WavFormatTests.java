package io.duplex.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The typed reasons a WAV file is refused, which callers word their own way. */
class WavFormatTests {

	@Test
	void framesWhenStereoThenChannelsKeptApartAndMonoRoundsDown() {
		Wav.Frames frames = Wav.frames(wav(1, 2, 44_100, 16, new short[] { 1, 2, -1, -2, 7, 8 }));

		assertThat(frames.sampleRate()).isEqualTo(44_100);
		assertThat(frames.channels()).isEqualTo(2);
		assertThat(frames.interleaved()).containsExactly(1, 2, -1, -2, 7, 8);
		assertThat(frames.mono().samples()).containsExactly(1, -2, 7);
	}

	@Test
	void framesWhenFloatThenEncodingProblemWithItsFormatAndBits() {
		Wav.FormatException refused = catchThrowableOfType(Wav.FormatException.class,
				() -> Wav.frames(wav(3, 1, 24_000, 32, new short[4])));

		assertThat(refused.problem()).isEqualTo(Wav.Problem.ENCODING);
		assertThat(refused.format()).isEqualTo(3);
		assertThat(refused.bits()).isEqualTo(32);
		assertThat(refused).hasMessageContaining("IEEE float");
	}

	@Test
	void framesWhenNoChannelsThenLayoutProblemWithWhatTheFileClaims() {
		Wav.FormatException refused = catchThrowableOfType(Wav.FormatException.class,
				() -> Wav.frames(wav(1, 0, 8_000, 16, new short[0])));

		assertThat(refused.problem()).isEqualTo(Wav.Problem.LAYOUT);
		assertThat(refused.channels()).isZero();
		assertThat(refused.sampleRate()).isEqualTo(8_000);
	}

	@Test
	void framesWhenNotRiffThenNotWav() {
		assertThat(catchThrowableOfType(Wav.FormatException.class,
				() -> Wav.frames("ID3 not a wav file at all".getBytes(StandardCharsets.US_ASCII)))
			.problem()).isEqualTo(Wav.Problem.NOT_WAV);
	}

	private static byte[] wav(int format, int channels, int rate, int bits, short[] samples) {
		ByteBuffer wav = ByteBuffer.allocate(44 + 2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
		wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * samples.length);
		wav.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
		wav.putShort((short) format).putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8);
		wav.putShort((short) (channels * bits / 8)).putShort((short) bits);
		wav.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * samples.length);
		for (short sample : samples) {
			wav.putShort(sample);
		}
		return wav.array();
	}

}

package io.duplex.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WavTests {

	@Test
	void decodeWhenMono24kThenSamplesAreUnchanged() {
		short[] samples = { 0, 1000, -1000, Short.MAX_VALUE, Short.MIN_VALUE, 42 };
		Wav.Clip clip = Wav.decode(Wav.encode(samples, 24_000), "a.wav");
		assertThat(clip.samples()).containsExactly(samples);
		assertThat(clip.rate()).isEqualTo(24_000);
		assertThat(clip.channels()).isEqualTo(1);
	}

	@Test
	void decodeWhenStereoThenChannelsAreAveraged() {
		byte[] wav = wav(1, 2, 24_000, 16, new short[] { 100, 300, -200, 0, 32767, 32767 }, new byte[0]);
		assertThat(Wav.decode(wav, "s.wav").samples()).containsExactly((short) 200, (short) -100, (short) 32767);
	}

	@Test
	void decodeWhen48kThenResampledToHalfTheSamples() {
		short[] ramp = new short[480];
		for (int i = 0; i < ramp.length; i++) {
			ramp[i] = (short) (i * 10);
		}
		short[] resampled = Wav.decode(wav(1, 1, 48_000, 16, ramp, new byte[0]), "r.wav").samples();
		assertThat(resampled).hasSize(240);
		// every second sample of a ramp, and linear interpolation keeps a ramp a ramp
		for (int i = 0; i < resampled.length; i++) {
			assertThat(resampled[i]).isEqualTo((short) (i * 20));
		}
	}

	@Test
	void decodeWhen16kThenInterpolatedToOneAndAHalfTimesTheSamples() {
		short[] samples = Wav.decode(wav(1, 1, 16_000, 16, new short[] { 0, 300, 600, 900 }, new byte[0]), "u.wav")
			.samples();
		assertThat(samples).containsExactly((short) 0, (short) 200, (short) 400, (short) 600, (short) 800, (short) 900);
	}

	@Test
	void decodeWhenOtherChunksComeFirstThenTheyAreSkippedWithTheirPadding() {
		// a LIST chunk of odd size is followed by a pad byte
		byte[] list = chunk("LIST", new byte[] { 1, 2, 3 });
		short[] samples = { 5, 6, 7 };
		assertThat(Wav.decode(wav(1, 1, 24_000, 16, samples, list), "l.wav").samples()).containsExactly(samples);
	}

	@Test
	void decodeWhenExtensiblePcmThenRead() {
		ByteBuffer fmt = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
		fmt.putShort((short) 0xFFFE).putShort((short) 1).putInt(24_000).putInt(48_000).putShort((short) 2)
			.putShort((short) 16).putShort((short) 22).putShort((short) 16).putInt(4).putShort((short) 1);
		byte[] wav = riff(chunk("fmt ", fmt.array()), chunk("data", pcm(new short[] { 9, -9 })));
		assertThat(Wav.decode(wav, "x.wav").samples()).containsExactly((short) 9, (short) -9);
	}

	@Test
	void decodeWhenDataSizeIsOverstatedThenReadsWhatIsThere() {
		byte[] wav = wav(1, 1, 24_000, 16, new short[] { 1, 2, 3, 4 }, new byte[0]);
		ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putInt(40, -1);
		assertThat(Wav.decode(wav, "streamed.wav").samples()).containsExactly((short) 1, (short) 2, (short) 3, (short) 4);
	}

	@Test
	void decodeWhenFloatThenRefusedNamingTheFormat() {
		byte[] wav = wav(3, 1, 48_000, 32, new short[4], new byte[0]);
		assertThatThrownBy(() -> Wav.decode(wav, "f.wav")).isInstanceOf(CliException.class)
			.hasMessageContaining("f.wav is 32-bit float audio")
			.hasMessageContaining("16-bit PCM WAV only");
	}

	@Test
	void decodeWhen8BitPcmThenRefused() {
		assertThatThrownBy(() -> Wav.decode(wav(1, 1, 8_000, 8, new short[4], new byte[0]), "e.wav"))
			.hasMessageContaining("8-bit PCM");
	}

	@Test
	void decodeWhenMuLawThenRefused() {
		assertThatThrownBy(() -> Wav.decode(wav(7, 1, 8_000, 8, new short[4], new byte[0]), "m.wav"))
			.hasMessageContaining("µ-law");
	}

	@Test
	void decodeWhenNotRiffThenRefused() {
		assertThatThrownBy(() -> Wav.decode("ID3 this is an mp3".getBytes(StandardCharsets.US_ASCII), "song.mp3"))
			.hasMessage("song.mp3 is not a WAV file (no RIFF/WAVE header).");
	}

	@Test
	void decodeWhenNoDataChunkThenRefused() {
		ByteBuffer fmt = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
		fmt.putShort((short) 1).putShort((short) 1).putInt(24_000).putInt(48_000).putShort((short) 2).putShort((short) 16);
		assertThatThrownBy(() -> Wav.decode(riff(chunk("fmt ", fmt.array())), "n.wav"))
			.hasMessage("n.wav has no data chunk.");
	}

	@Test
	void readWhenMissingThenSaysHowToMakeOne(@TempDir Path directory) {
		assertThatThrownBy(() -> Wav.read(directory.resolve("hello.wav"))).isInstanceOf(CliException.class)
			.hasMessageContaining("does not exist")
			.hasMessageContaining("duplex talk --make-wav");
	}

	@Test
	void writeThenReadGivesTheSameSamples(@TempDir Path directory) {
		short[] samples = SpeechLike.speech(0.1);
		Path file = directory.resolve("out/reply.wav");
		Wav.write(file, samples);
		assertThat(Wav.read(file).samples()).containsExactly(samples);
	}

	static byte[] wav(int format, int channels, int rate, int bits, short[] samples, byte[] before) {
		ByteBuffer fmt = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
		fmt.putShort((short) format).putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8)
			.putShort((short) (channels * bits / 8)).putShort((short) bits);
		return riff(chunk("fmt ", fmt.array()), before, chunk("data", pcm(samples)));
	}

	private static byte[] riff(byte[]... chunks) {
		int length = 0;
		for (byte[] chunk : chunks) {
			length += chunk.length;
		}
		ByteBuffer riff = ByteBuffer.allocate(12 + length).order(ByteOrder.LITTLE_ENDIAN);
		riff.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + length);
		riff.put("WAVE".getBytes(StandardCharsets.US_ASCII));
		for (byte[] chunk : chunks) {
			riff.put(chunk);
		}
		return riff.array();
	}

	private static byte[] chunk(String id, byte[] body) {
		ByteBuffer chunk = ByteBuffer.allocate(8 + body.length + (body.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
		chunk.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(body.length).put(body);
		return chunk.array();
	}

	private static byte[] pcm(short[] samples) {
		return Wav.toPcm(samples, 0, samples.length);
	}

}

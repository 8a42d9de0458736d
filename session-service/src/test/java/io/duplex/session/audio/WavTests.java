package io.duplex.session.audio;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.junit.jupiter.api.Test;

import io.duplex.audio.Wav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WavTests {

	@Test
	void writeThenReadRoundTrips() {
		short[] samples = new SpeechLikeAudio(1).silence(100).speech(300).samples();
		Wav.Clip clip = Wav.read(Wav.write(samples, 24_000));
		assertThat(clip.sampleRate()).isEqualTo(24_000);
		assertThat(clip.samples()).containsExactly(samples);
		assertThat(clip.durationMillis()).isEqualTo(400);
		assertThat(clip).isEqualTo(new Wav.Clip(24_000, samples.clone()));
	}

	@Test
	void writeProducesTheCanonicalHeader() {
		byte[] wav = Wav.write(new short[] { 1, -1, 0 }, 8_000);
		ByteBuffer header = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
		assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
		assertThat(header.getInt(4)).isEqualTo(36 + 6);
		assertThat(new String(wav, 8, 8, StandardCharsets.US_ASCII)).isEqualTo("WAVEfmt ");
		assertThat(header.getInt(16)).isEqualTo(16);
		assertThat(header.getShort(20)).isEqualTo((short) 1);
		assertThat(header.getShort(22)).isEqualTo((short) 1);
		assertThat(header.getInt(24)).isEqualTo(8_000);
		assertThat(header.getInt(28)).isEqualTo(16_000);
		assertThat(header.getShort(32)).isEqualTo((short) 2);
		assertThat(header.getShort(34)).isEqualTo((short) 16);
		assertThat(new String(wav, 36, 4, StandardCharsets.US_ASCII)).isEqualTo("data");
		assertThat(header.getInt(40)).isEqualTo(6);
		assertThat(wav).hasSize(50);
	}

	@Test
	void writeWhenRangeThenOnlyThoseSamples() {
		assertThat(Wav.read(Wav.write(new short[] { 5, 6, 7, 8 }, 1, 2, 16_000)).samples()).containsExactly((short) 6,
				(short) 7);
	}

	@Test
	void writeIsReadableByJavaSound() throws Exception {
		short[] samples = Signals.sine(440, 8_000, 24_000, 2_400);
		try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(Wav.write(samples, 24_000)))) {
			assertThat(in.getFormat().getSampleRate()).isEqualTo(24_000f);
			assertThat(in.getFormat().getChannels()).isEqualTo(1);
			assertThat(in.getFormat().getSampleSizeInBits()).isEqualTo(16);
			assertThat(Pcm16.toShorts(in.readAllBytes())).containsExactly(samples);
		}
	}

	@Test
	void readWhenStereoFromJavaSoundThenAveragesChannels() throws Exception {
		short[] interleaved = new short[2 * 1_000];
		for (int i = 0; i < 1_000; i++) {
			interleaved[2 * i] = (short) (1_000 + i);
			interleaved[2 * i + 1] = (short) (3_000 - i);
		}
		Wav.Clip clip = Wav.read(javaSoundWav(interleaved, 44_100, 2));
		assertThat(clip.sampleRate()).isEqualTo(44_100);
		assertThat(clip.samples()).hasSize(1_000).containsOnly((short) 2_000);
	}

	@Test
	void readWhenChannelsOfOppositeSignThenRoundsDown() {
		byte[] wav = riff(fmt(1, 2, 8_000, 16), chunk("data", Pcm16.toBytes(new short[] { -3, 0, Short.MIN_VALUE, Short.MIN_VALUE })));
		assertThat(Wav.read(wav).samples()).containsExactly((short) -2, Short.MIN_VALUE);
	}

	@Test
	void readWhenExtraAndOddSizedChunksThenSkipsThem() {
		byte[] wav = riff(fmt(1, 1, 16_000, 16), chunk("LIST", new byte[] { 1, 2, 3 }), chunk("fact", new byte[4]),
				chunk("data", Pcm16.toBytes(new short[] { 7, -7 })));
		assertThat(Wav.read(wav)).isEqualTo(new Wav.Clip(16_000, new short[] { 7, -7 }));
	}

	@Test
	void readWhenExtensiblePcmThenAccepted() {
		ByteBuffer fmt = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
		fmt.put(fmt(0xFFFE, 1, 48_000, 16), 8, 16);
		fmt.putShort((short) 22).putShort((short) 16).putInt(4).putShort((short) 1);
		byte[] wav = riff(chunk("fmt ", fmt.array()), chunk("data", Pcm16.toBytes(new short[] { 100 })));
		assertThat(Wav.read(wav)).isEqualTo(new Wav.Clip(48_000, new short[] { 100 }));
	}

	@Test
	void readWhenDataChunkClaimsMoreThanTheFileThenReadsWhatIsThere() {
		byte[] wav = Wav.write(new short[] { 1, 2, 3 }, 24_000);
		ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putInt(40, -1);
		assertThat(Wav.read(wav).samples()).containsExactly((short) 1, (short) 2, (short) 3);
	}

	@Test
	void readWhenEightBitThenRejectedNamingTheSampleSize() {
		byte[] wav = riff(fmt(1, 1, 8_000, 8), chunk("data", new byte[] { (byte) 128, (byte) 200 }));
		assertThatIllegalArgumentException().isThrownBy(() -> Wav.read(wav)).withMessage(
				"WAV sample size of 8 bits is not supported; only 16-bit PCM is");
	}

	@Test
	void readWhenFloatThenRejectedNamingTheEncoding() {
		byte[] wav = riff(fmt(3, 1, 24_000, 32), chunk("data", new byte[8]));
		assertThatIllegalArgumentException().isThrownBy(() -> Wav.read(wav)).withMessage(
				"WAV encoding 'IEEE float' (format tag 3) is not supported; only 16-bit integer PCM is");
	}

	@Test
	void readWhenG711InsideWavThenRejected() {
		byte[] wav = riff(fmt(7, 1, 8_000, 8), chunk("data", new byte[8]));
		assertThatIllegalArgumentException().isThrownBy(() -> Wav.read(wav)).withMessageContaining("'G.711 µ-law' (format tag 7)");
	}

	@Test
	void readWhenNotAWavFileThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> Wav.read("ID3 this is an mp3".getBytes(StandardCharsets.US_ASCII)))
			.withMessage("Not a WAV file: it does not start with a RIFF/WAVE header");
		assertThatIllegalArgumentException().isThrownBy(() -> Wav.read(new byte[3])).withMessageStartingWith("Not a WAV file");
	}

	@Test
	void readWhenBigEndianRifxThenRejected() {
		byte[] wav = Wav.write(new short[] { 1 }, 8_000);
		wav[3] = 'X';
		assertThatIllegalArgumentException().isThrownBy(() -> Wav.read(wav)).withMessageContaining("'RIFX' is not supported");
	}

	@Test
	void readWhenChunksMissingOrMisorderedThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> Wav.read(riff(chunk("data", new byte[2]))))
			.withMessage("WAV file has its 'data' chunk before its 'fmt ' chunk");
		assertThatIllegalArgumentException().isThrownBy(() -> Wav.read(riff(fmt(1, 1, 8_000, 16))))
			.withMessage("WAV file has no 'data' chunk");
		assertThatIllegalArgumentException().isThrownBy(() -> Wav.read(riff(chunk("LIST", new byte[2]))))
			.withMessage("WAV file has no 'fmt ' chunk");
	}

	@Test
	void clipWhenSampleRateNotPositiveThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Wav.Clip(0, new short[0]));
		assertThatIllegalArgumentException().isThrownBy(() -> Wav.write(new short[0], -1));
	}

	private static byte[] javaSoundWav(short[] interleaved, float sampleRate, int channels) throws IOException {
		javax.sound.sampled.AudioFormat format = new javax.sound.sampled.AudioFormat(sampleRate, 16, channels, true, false);
		byte[] pcm = Pcm16.toBytes(interleaved);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), format, interleaved.length / channels),
				AudioFileFormat.Type.WAVE, out);
		return out.toByteArray();
	}

	private static byte[] fmt(int formatTag, int channels, int sampleRate, int bits) {
		ByteBuffer body = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
		body.putShort((short) formatTag).putShort((short) channels).putInt(sampleRate)
			.putInt(sampleRate * channels * bits / 8).putShort((short) (channels * bits / 8)).putShort((short) bits);
		return chunk("fmt ", body.array());
	}

	private static byte[] chunk(String id, byte[] body) {
		ByteBuffer chunk = ByteBuffer.allocate(8 + body.length + (body.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
		chunk.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(body.length).put(body);
		return chunk.array();
	}

	private static byte[] riff(byte[]... chunks) {
		int size = 4;
		for (byte[] chunk : chunks) {
			size += chunk.length;
		}
		ByteBuffer riff = ByteBuffer.allocate(8 + size).order(ByteOrder.LITTLE_ENDIAN);
		riff.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(size).put("WAVE".getBytes(StandardCharsets.US_ASCII));
		for (byte[] chunk : chunks) {
			riff.put(chunk);
		}
		return riff.array();
	}

}

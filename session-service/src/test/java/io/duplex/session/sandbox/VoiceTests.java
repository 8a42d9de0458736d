package io.duplex.session.sandbox;

import org.junit.jupiter.api.Test;

import io.duplex.session.audio.Pcm16;

import static org.assertj.core.api.Assertions.assertThat;

/** The synthesised voice of spoken text answers. */
class VoiceTests {

	@Test
	void lengthThenIs65MsPerCharacter() {
		assertThat(new Voice("hello world").length()).isEqualTo(11 * 65 * 24);
		// one code point, two UTF-16 units
		assertThat(new Voice("\uD83D\uDE00").length()).isEqualTo(65 * 24);
		assertThat(new Voice("").length()).isZero();
	}

	@Test
	void pcmThenWordsAreVoicedAndSpacesSilent() {
		Voice voice = new Voice("hello world");
		short[] samples = Pcm16.toShorts(voice.pcm(0, voice.length()));
		int character = 65 * 24;
		assertThat(Pcm16.dbfs(samples, 0, 5 * character)).isBetween(-28.0, -18.0);
		assertThat(Pcm16.dbfs(samples, 5 * character, character)).isEqualTo(Pcm16.MIN_DBFS);
		assertThat(Pcm16.dbfs(samples, 6 * character, 5 * character)).isBetween(-28.0, -18.0);
		// the ramps: no click at a word's edges
		assertThat(Math.abs(samples[0])).isZero();
		assertThat(Math.abs(samples[5 * character - 1])).isZero();
	}

	@Test
	void pcmThenAChunkIsThePieceOfTheWhole() {
		Voice voice = new Voice("The tool returned: {\"temp\":21}");
		byte[] whole = voice.pcm(0, voice.length());
		byte[] chunk = voice.pcm(2400 * 7, 2400);
		byte[] expected = new byte[chunk.length];
		System.arraycopy(whole, 2 * 2400 * 7, expected, 0, expected.length);
		assertThat(chunk).isEqualTo(expected);
	}

	@Test
	void pcmThenTheSameTextSoundsTheSame() {
		assertThat(new Voice("same words").pcm(0, 10_000)).isEqualTo(new Voice("same words").pcm(0, 10_000))
			.isNotEqualTo(new Voice("other text").pcm(0, 10_000));
	}

	@Test
	void startMsThenCountsCodePoints() {
		Voice voice = new Voice("\uD83D\uDE00 hi");
		assertThat(voice.startMs(2)).isEqualTo(65);
		assertThat(voice.startMs(3)).isEqualTo(130);
	}

}

package io.duplex.session.audio;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The generator must deliver what the voice activity tests rely on. */
class SpeechLikeAudioTests {

	@Test
	void samplesWhenSameSeedThenSameAudio() {
		assertThat(new SpeechLikeAudio(1).silence(200).speech(500).samples())
			.containsExactly(new SpeechLikeAudio(1).silence(200).speech(500).samples());
		assertThat(new SpeechLikeAudio(1).speech(500).samples()).isNotEqualTo(new SpeechLikeAudio(2).speech(500).samples());
	}

	@Test
	void speechSpansAreWhereTheCallsPutThem() {
		SpeechLikeAudio audio = new SpeechLikeAudio(3).silence(1_000).speech(800).click(50, -10).speech(300);
		assertThat(audio.speechSpans()).containsExactly(new SpeechLikeAudio.Span(1_000, 1_800),
				new SpeechLikeAudio.Span(1_850, 2_150));
		assertThat(audio.durationMs()).isEqualTo(2_150);
		assertThat(audio.samples()).hasSize(2_150 * 24);
	}

	@Test
	void silenceIsBackgroundNoiseAtTheSetLevel() {
		short[] noise = new SpeechLikeAudio(4).noiseLevel(-50).silence(2_000).samples();
		assertThat(Pcm16.dbfs(noise)).isCloseTo(-50, within(0.5));
	}

	@Test
	void speechPeaksAtTheSetLevelAndDipsTwentyDbBetweenSyllables() {
		short[] speech = new SpeechLikeAudio(5).noiseLevel(-90).speechLevel(-20).speech(2_000).samples();
		double loudest = Double.NEGATIVE_INFINITY;
		double quietest = Double.POSITIVE_INFINITY;
		for (int at = 480; at + 240 <= speech.length - 480; at += 240) {
			double level = Pcm16.dbfs(speech, at, 240);
			loudest = Math.max(loudest, level);
			quietest = Math.min(quietest, level);
		}
		assertThat(loudest).isBetween(-21.0, -19.0);
		assertThat(loudest - quietest).isBetween(15.0, 25.0);
	}

	@Test
	void speechIsVoicedWithAFundamentalBetweenOneHundredAndTwoHundredFiftyHertz() {
		for (long seed = 1; seed <= 8; seed++) {
			short[] speech = new SpeechLikeAudio(seed).noiseLevel(-90).speech(1_000).samples();
			// the first 100 ms hold a syllable nucleus; its period is the shortest strong autocorrelation lag
			double[] correlation = new double[401];
			double best = 0;
			for (int lag = 60; lag <= 400; lag++) {
				correlation[lag] = autocorrelation(speech, 240, 2_400, lag);
				best = Math.max(best, correlation[lag]);
			}
			int period = 60;
			while (correlation[period] < 0.9 * best) {
				period++;
			}
			assertThat(best).as("seed %d periodicity", seed).isGreaterThan(0.8);
			// intonation moves the pitch up to 6% either way from the base
			assertThat(24_000.0 / period).as("seed %d pitch", seed).isBetween(94.0, 265.0);
		}
	}

	@Test
	void speechLoudnessRisesAndFallsAtFourToFiveSyllablesPerSecond() {
		short[] speech = new SpeechLikeAudio(6).noiseLevel(-90).speech(3_000).samples();
		int peaks = 0;
		double before = Double.NEGATIVE_INFINITY;
		double current = Pcm16.dbfs(speech, 0, 480);
		for (int at = 480; at + 480 <= speech.length; at += 480) {
			double next = Pcm16.dbfs(speech, at, 480);
			if (current > before && current >= next && current > -30) {
				peaks++;
			}
			before = current;
			current = next;
		}
		// both edges are half syllables, so 3 s at 4 to 5 Hz shows 11 to 16 full or partial peaks
		assertThat(peaks).isBetween(11, 16);
	}

	private static double autocorrelation(short[] samples, int from, int count, int lag) {
		double product = 0;
		double energy = 0;
		double lagged = 0;
		for (int i = from; i < from + count; i++) {
			product += (double) samples[i] * samples[i + lag];
			energy += (double) samples[i] * samples[i];
			lagged += (double) samples[i + lag] * samples[i + lag];
		}
		return product / Math.sqrt(energy * lagged);
	}

}

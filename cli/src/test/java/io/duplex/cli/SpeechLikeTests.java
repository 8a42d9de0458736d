package io.duplex.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SpeechLikeTests {

	@Test
	void withLeadingSilenceWhenTwoSecondsThenSilenceThenSpeech() {
		short[] samples = SpeechLike.withLeadingSilence(2);
		int silence = (int) (SpeechLike.LEADING_SILENCE_SECONDS * Wav.RATE);
		assertThat(samples).hasSize(silence + 2 * Wav.RATE);
		for (int i = 0; i < silence; i++) {
			assertThat(samples[i]).isZero();
		}
		assertThat(rmsDbfs(samples, silence, samples.length)).isBetween(-30.0, -18.0);
	}

	@Test
	void speechWhenMadeTwiceThenIdentical() {
		assertThat(SpeechLike.speech(1.3)).containsExactly(SpeechLike.speech(1.3));
	}

	@Test
	void speechThenLoudnessRisesAndFallsAtTheSyllableRate() {
		short[] samples = SpeechLike.speech(1);
		// 4 Hz: a peak at 0 s, a dip at 0.125 s, a peak again at 0.25 s; 20 ms windows around them
		double peak = rmsDbfs(samples, 6000 - 240, 6000 + 240);
		double dip = rmsDbfs(samples, 3000 - 240, 3000 + 240);
		assertThat(peak).isCloseTo(-20, within(1.5));
		assertThat(peak - dip).isGreaterThan(12);
	}

	@Test
	void speechThenStartsAndEndsWithoutAClick() {
		short[] samples = SpeechLike.speech(0.5);
		assertThat(samples[0]).isZero();
		assertThat(Math.abs(samples[samples.length - 1])).isLessThan(50);
	}

	static double rmsDbfs(short[] samples, int from, int to) {
		double sum = 0;
		for (int i = from; i < to; i++) {
			sum += (double) samples[i] * samples[i];
		}
		return 20 * Math.log10(Math.sqrt(sum / (to - from)) / 32768);
	}

}

package io.duplex.audio;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpeechToneTests {

	@Test
	void sampleWhenAtEitherEndThenSilentByTheRamps() {
		assertThat(SpeechTone.sample(1.0, 0, 0, 1_000)).isZero();
		assertThat(SpeechTone.sample(1.0, 0, 1_000, 0)).isZero();
	}

	@Test
	void sampleWhenAtASyllablePeakThenAboutMinus20DbfsRms() {
		int n = SpeechTone.SAMPLE_RATE / 120;
		double sumOfSquares = 0;
		for (int i = 0; i < n; i++) {
			// one period of 120 Hz at the first syllable's peak, away from the ramps
			double sample = SpeechTone.sample(2 * Math.PI * i / n, 0, 10_000, 10_000);
			sumOfSquares += sample * sample;
		}
		double dbfs = 10 * Math.log10(sumOfSquares / n / (32768.0 * 32768.0));
		assertThat(dbfs).isBetween(-20.5, -19.5);
	}

	@Test
	void saturateWhenBeyondTheRangeThenClamped() {
		assertThat(SpeechTone.saturate(40_000)).isEqualTo(Short.MAX_VALUE);
		assertThat(SpeechTone.saturate(-40_000)).isEqualTo(Short.MIN_VALUE);
		assertThat(SpeechTone.saturate(1.5)).isEqualTo((short) 2);
	}

}

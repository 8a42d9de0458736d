package io.duplex.session.audio;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class VadSettingsTests {

	@Test
	void defaultsAreOpenAisServerVadDefaults() {
		assertThat(VadSettings.DEFAULTS).isEqualTo(new VadSettings(0.5, 300, 500, 100));
	}

	@Test
	void onsetMarginGrowsLinearlyFromFourToTwentyDb() {
		assertThat(VadSettings.DEFAULTS.withThreshold(0).onsetMarginDb()).isCloseTo(4, within(1e-9));
		assertThat(VadSettings.DEFAULTS.onsetMarginDb()).isCloseTo(12, within(1e-9));
		assertThat(VadSettings.DEFAULTS.withThreshold(1).onsetMarginDb()).isCloseTo(20, within(1e-9));
	}

	@Test
	void continueMarginIsThreeQuartersOfTheOnsetMargin() {
		assertThat(VadSettings.DEFAULTS.withThreshold(0).continueMarginDb()).isCloseTo(3, within(1e-9));
		assertThat(VadSettings.DEFAULTS.continueMarginDb()).isCloseTo(9, within(1e-9));
		assertThat(VadSettings.DEFAULTS.withThreshold(1).continueMarginDb()).isCloseTo(15, within(1e-9));
	}

	@Test
	void withersChangeOnlyTheirField() {
		VadSettings settings = VadSettings.DEFAULTS.withThreshold(0.7)
			.withPrefixPaddingMs(100)
			.withSilenceDurationMs(800)
			.withMinSpeechMs(60);
		assertThat(settings).isEqualTo(new VadSettings(0.7, 100, 800, 60));
	}

	@Test
	void constructWhenThresholdOutsideZeroToOneThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> VadSettings.DEFAULTS.withThreshold(1.01))
			.withMessageContaining("threshold");
		assertThatIllegalArgumentException().isThrownBy(() -> VadSettings.DEFAULTS.withThreshold(-0.1));
		assertThatIllegalArgumentException().isThrownBy(() -> VadSettings.DEFAULTS.withThreshold(Double.NaN));
	}

	@Test
	void constructWhenDurationNegativeThenRejectedNamingTheField() {
		assertThatIllegalArgumentException().isThrownBy(() -> VadSettings.DEFAULTS.withPrefixPaddingMs(-1))
			.withMessageContaining("prefix_padding_ms");
		assertThatIllegalArgumentException().isThrownBy(() -> VadSettings.DEFAULTS.withSilenceDurationMs(-1))
			.withMessageContaining("silence_duration_ms");
		assertThatIllegalArgumentException().isThrownBy(() -> VadSettings.DEFAULTS.withMinSpeechMs(-1))
			.withMessageContaining("min_speech_ms");
	}

}

package io.duplex.session.admission;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** How many slots of a pool one tenant may hold. */
class AdmissionSettingsTests {

	private static AdmissionSettings share(int percent, int above) {
		return new AdmissionSettings(Duration.ofSeconds(60), Duration.ofSeconds(5), percent, above);
	}

	@Test
	void tenantSlotsWhenPoolIsSmallThenEverySlot() {
		assertThat(share(50, 10).tenantSlots(1)).isEqualTo(1);
		assertThat(share(50, 10).tenantSlots(2)).isEqualTo(2);
		assertThat(share(50, 10).tenantSlots(10)).isEqualTo(10);
	}

	@Test
	void tenantSlotsWhenPoolIsLargeThenItsShareRoundedDownButAtLeastOne() {
		assertThat(share(50, 10).tenantSlots(11)).isEqualTo(5);
		assertThat(share(50, 10).tenantSlots(12)).isEqualTo(6);
		assertThat(share(50, 10).tenantSlots(40)).isEqualTo(20);
		assertThat(share(1, 10).tenantSlots(20)).isEqualTo(1);
		assertThat(share(50, 0).tenantSlots(1)).isEqualTo(1);
		assertThat(share(50, 0).tenantSlots(3)).isEqualTo(1);
	}

	@Test
	void tenantSlotsWhenShareIsAHundredPercentThenNoLimit() {
		assertThat(share(100, 10).tenantSlots(1000)).isEqualTo(1000);
	}

	@Test
	void settingsWhenConnectTimeoutIsNotPositiveThenRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AdmissionSettings(Duration.ZERO, Duration.ofSeconds(5), 50, 10));
	}

}

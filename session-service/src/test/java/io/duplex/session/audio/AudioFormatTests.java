package io.duplex.session.audio;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AudioFormatTests {

	@Test
	void fromWireNameWhenGaNameThenFindsFormat() {
		assertThat(AudioFormat.fromWireName("audio/pcm")).contains(AudioFormat.PCM16);
		assertThat(AudioFormat.fromWireName("audio/pcmu")).contains(AudioFormat.PCMU);
		assertThat(AudioFormat.fromWireName("audio/pcma")).contains(AudioFormat.PCMA);
	}

	@Test
	void fromWireNameWhenBetaNameThenFindsFormat() {
		assertThat(AudioFormat.fromWireName("pcm16")).contains(AudioFormat.PCM16);
		assertThat(AudioFormat.fromWireName("g711_ulaw")).contains(AudioFormat.PCMU);
		assertThat(AudioFormat.fromWireName("g711_alaw")).contains(AudioFormat.PCMA);
	}

	@Test
	void fromWireNameWhenUnknownThenEmpty() {
		assertThat(AudioFormat.fromWireName("audio/opus")).isEmpty();
		assertThat(AudioFormat.fromWireName("AUDIO/PCM")).isEmpty();
		assertThat(AudioFormat.fromWireName("")).isEmpty();
	}

	@Test
	void wireNameRoundTripsForEveryFormat() {
		for (AudioFormat format : AudioFormat.values()) {
			assertThat(AudioFormat.fromWireName(format.wireName())).contains(format);
		}
	}

	@Test
	void propertiesMatchTheRealtimeApi() {
		assertThat(AudioFormat.PCM16.sampleRate()).isEqualTo(24_000);
		assertThat(AudioFormat.PCM16.bytesPerSample()).isEqualTo(2);
		assertThat(AudioFormat.PCMU.sampleRate()).isEqualTo(8_000);
		assertThat(AudioFormat.PCMU.bytesPerSample()).isEqualTo(1);
		assertThat(AudioFormat.PCMA.sampleRate()).isEqualTo(8_000);
		assertThat(AudioFormat.PCMA.bytesPerSample()).isEqualTo(1);
	}

	@Test
	void durationWhenPcm16ThenFortyEightThousandBytesPerSecond() {
		assertThat(AudioFormat.PCM16.durationMillis(48_000)).isEqualTo(1_000);
		assertThat(AudioFormat.PCM16.durationMillis(960)).isEqualTo(20);
		assertThat(AudioFormat.PCM16.durationMicros(2)).isEqualTo(41);
		assertThat(AudioFormat.PCM16.durationMicros(48_000)).isEqualTo(1_000_000);
	}

	@Test
	void durationWhenPcm16AndOddByteCountThenPartialSampleIgnored() {
		assertThat(AudioFormat.PCM16.samples(961)).isEqualTo(480);
		assertThat(AudioFormat.PCM16.durationMicros(961)).isEqualTo(AudioFormat.PCM16.durationMicros(960));
	}

	@Test
	void durationWhenG711ThenEightThousandBytesPerSecond() {
		assertThat(AudioFormat.PCMU.durationMillis(160)).isEqualTo(20);
		assertThat(AudioFormat.PCMA.durationMillis(8_000)).isEqualTo(1_000);
		assertThat(AudioFormat.PCMU.durationMicros(1)).isEqualTo(125);
	}

	@Test
	void durationWhenHugeByteCountThenNoOverflow() {
		long tenHours = 10L * 3_600 * 48_000;
		assertThat(AudioFormat.PCM16.durationMillis(tenHours)).isEqualTo(10L * 3_600 * 1_000);
	}

	@Test
	void bytesForIsTheInverseOfDuration() {
		assertThat(AudioFormat.PCM16.bytesFor(100)).isEqualTo(4_800);
		assertThat(AudioFormat.PCMU.bytesFor(100)).isEqualTo(800);
		for (AudioFormat format : AudioFormat.values()) {
			assertThat(format.durationMillis(format.bytesFor(1_234))).isEqualTo(1_234);
		}
	}

}

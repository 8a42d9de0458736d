package io.duplex.session.audio;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class Pcm16Tests {

	@Test
	void toShortsReadsLittleEndianSigned() {
		byte[] bytes = { 0x34, 0x12, (byte) 0xFF, (byte) 0xFF, 0x00, (byte) 0x80, (byte) 0xFF, 0x7F };
		assertThat(Pcm16.toShorts(bytes)).containsExactly((short) 0x1234, (short) -1, Short.MIN_VALUE, Short.MAX_VALUE);
	}

	@Test
	void toBytesWritesLittleEndian() {
		short[] samples = { 0x1234, -1, Short.MIN_VALUE, Short.MAX_VALUE };
		assertThat(Pcm16.toBytes(samples)).containsExactly(0x34, 0x12, 0xFF, 0xFF, 0x00, 0x80, 0xFF, 0x7F);
	}

	@Test
	void toBytesThenToShortsRoundTrips() {
		Random random = new Random(5);
		short[] samples = new short[1_000];
		for (int i = 0; i < samples.length; i++) {
			samples[i] = (short) random.nextInt();
		}
		assertThat(Pcm16.toShorts(Pcm16.toBytes(samples))).containsExactly(samples);
	}

	@Test
	void toShortsWhenOffsetsThenTouchesOnlyTheRange() {
		byte[] bytes = { 9, 1, 0, 2, 0, 9 };
		short[] samples = { 7, 7, 7, 7 };
		Pcm16.toShorts(bytes, 1, samples, 1, 2);
		assertThat(samples).containsExactly((short) 7, (short) 1, (short) 2, (short) 7);
	}

	@Test
	void toShortsWhenOddLengthThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> Pcm16.toShorts(new byte[3])).withMessageContaining("even");
	}

	@Test
	void dbfsWhenFullScaleSquareThenZero() {
		short[] square = new short[480];
		for (int i = 0; i < square.length; i++) {
			square[i] = ((i / 24) % 2 == 0) ? Short.MAX_VALUE : Short.MIN_VALUE;
		}
		assertThat(Pcm16.dbfs(square)).isCloseTo(0.0, within(0.01));
	}

	@Test
	void dbfsWhenFullScaleSineThenMinusThreeDb() {
		short[] sine = Signals.sine(1_000, 32767, 24_000, 2_400);
		assertThat(Pcm16.dbfs(sine)).isCloseTo(-3.01, within(0.02));
	}

	@Test
	void dbfsWhenHalvedThenSixDbLower() {
		short[] loud = Signals.sine(1_000, 20_000, 24_000, 2_400);
		short[] quiet = Signals.sine(1_000, 10_000, 24_000, 2_400);
		assertThat(Pcm16.dbfs(loud) - Pcm16.dbfs(quiet)).isCloseTo(6.02, within(0.01));
	}

	@Test
	void dbfsWhenDigitalSilenceOrEmptyThenFloor() {
		assertThat(Pcm16.dbfs(new short[240])).isEqualTo(Pcm16.MIN_DBFS);
		assertThat(Pcm16.dbfs(new short[0])).isEqualTo(Pcm16.MIN_DBFS);
	}

	@Test
	void dbfsWhenOneLeastSignificantBitThenAboutMinusNinety() {
		short[] lsb = new short[240];
		Arrays.fill(lsb, (short) 1);
		assertThat(Pcm16.dbfs(lsb)).isCloseTo(-90.31, within(0.01));
	}

	@Test
	void rmsOfRangeIgnoresTheRest() {
		short[] samples = { 30_000, 3, -4, 30_000 };
		assertThat(Pcm16.rms(samples, 1, 2)).isCloseTo(Math.sqrt(12.5), within(1e-9));
	}

	@Test
	void rmsWhenMaximalSamplesThenNoOverflow() {
		short[] samples = new short[100_000];
		Arrays.fill(samples, Short.MIN_VALUE);
		assertThat(Pcm16.rms(samples, 0, samples.length)).isEqualTo(32768.0);
	}

	@Test
	void saturateClampsAndRounds() {
		assertThat(Pcm16.saturate(40_000)).isEqualTo(Short.MAX_VALUE);
		assertThat(Pcm16.saturate(-40_000)).isEqualTo(Short.MIN_VALUE);
		assertThat(Pcm16.saturate(1.5)).isEqualTo((short) 2);
		assertThat(Pcm16.saturate(-1.4)).isEqualTo((short) -1);
	}

}

package io.duplex.session.audio;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ResamplerTests {

	/** Enough output to skip for the filter's start-up transient: its 48 taps at 24 kHz. */
	private static final int SETTLE_24K = 96;

	private static final int SETTLE_8K = 32;

	@Test
	void upsampleWhenOneKilohertzSineThenKeepsFrequencyAndAmplitude() {
		short[] in = Signals.sine(1_000, 10_000, 8_000, 8_000);
		short[] out = process(Resampler.upsampler(), in);
		assertThat(out).hasSize(24_000);
		// 23_040 samples are exactly 960 periods at 24 kHz
		assertThat(Signals.amplitudeAt(out, SETTLE_24K, SETTLE_24K + 23_040, 1_000, 24_000)).isCloseTo(10_000, within(20.0));
		assertThat(Signals.frequency(out, SETTLE_24K, out.length, 24_000)).isCloseTo(1_000, within(0.05));
	}

	@Test
	void downsampleWhenOneKilohertzSineThenKeepsFrequencyAndAmplitude() {
		short[] in = Signals.sine(1_000, 10_000, 24_000, 24_000);
		short[] out = process(Resampler.downsampler(), in);
		assertThat(out).hasSize(8_000);
		assertThat(Signals.amplitudeAt(out, SETTLE_8K, SETTLE_8K + 7_936, 1_000, 8_000)).isCloseTo(10_000, within(20.0));
		assertThat(Signals.frequency(out, SETTLE_8K, out.length, 8_000)).isCloseTo(1_000, within(0.05));
	}

	@Test
	void downsampleThenUpsampleWhenSpeechBandSineThenKeepsIt() {
		for (double hz : new double[] { 300, 1_000, 2_000 }) {
			short[] in = Signals.sine(hz, 12_000, 24_000, 24_000);
			short[] out = process(Resampler.upsampler(), process(Resampler.downsampler(), in));
			int periods = (int) ((24_000 - 2 * SETTLE_24K) * hz / 24_000);
			int to = SETTLE_24K + (int) Math.round(periods * 24_000 / hz);
			assertThat(Signals.amplitudeAt(out, SETTLE_24K, to, hz, 24_000)).as("%s Hz", hz).isCloseTo(12_000, within(60.0));
			assertThat(Signals.frequency(out, SETTLE_24K, out.length, 24_000)).as("%s Hz", hz).isCloseTo(hz, within(0.05));
		}
	}

	/** Above the new 4 kHz Nyquist everything must go, or it would fold back into the speech band. */
	@ParameterizedTest
	@ValueSource(ints = { 4_700, 6_000, 8_000, 10_000, 11_900 })
	void downsampleWhenToneAboveFourKilohertzThenAttenuatedBySixtyDb(int hz) {
		short[] in = Signals.sine(hz, 30_000, 24_000, 24_000);
		short[] out = process(Resampler.downsampler(), in);
		double level = Signals.rms(out, SETTLE_8K, out.length) * Math.sqrt(2);
		assertThat(Signals.decibels(level / 30_000)).isLessThan(-60);
	}

	@Test
	void downsampleWhenTenKilohertzToneThenNothingAtItsAliasEither() {
		short[] in = Signals.sine(10_000, 30_000, 24_000, 24_000);
		short[] out = process(Resampler.downsampler(), in);
		// 10 kHz would fold to 2 kHz at 8 kHz
		assertThat(Signals.decibels(Signals.amplitudeAt(out, SETTLE_8K, 8_000, 2_000, 8_000) / 30_000)).isLessThan(-80);
	}

	/** Linear interpolation leaves images about 30 dB down; the FIR must do far better. */
	@Test
	void upsampleWhenOneKilohertzSineThenImagesAtSevenAndNineKilohertzRemoved() {
		short[] out = process(Resampler.upsampler(), Signals.sine(1_000, 30_000, 8_000, 8_000));
		int to = SETTLE_24K + 23_040;
		for (int image : new int[] { 7_000, 9_000 }) {
			assertThat(Signals.decibels(Signals.amplitudeAt(out, SETTLE_24K, to, image, 24_000) / 30_000)).as("%s Hz", image)
				.isLessThan(-70);
		}
	}

	@Test
	void processWhenConstantInputThenSameConstantOut() {
		short[] in = new short[3_000];
		Arrays.fill(in, (short) 12_345);
		short[] up = process(Resampler.upsampler(), in);
		short[] down = process(Resampler.downsampler(), in);
		assertThat(Arrays.copyOfRange(up, SETTLE_24K, up.length)).containsOnly((short) 12_345);
		assertThat(Arrays.copyOfRange(down, SETTLE_8K, down.length)).containsOnly((short) 12_345);
	}

	/** The filter overshoots at edges; a full-scale square must clip there, not wrap to the opposite sign. */
	@Test
	void processWhenFullScaleSquareThenSaturatesInsteadOfWrapping() {
		short[] square = new short[24_000];
		for (int i = 0; i < square.length; i++) {
			square[i] = ((i / 120) % 2 == 0) ? Short.MAX_VALUE : Short.MIN_VALUE;
		}
		for (short[] out : new short[][] { process(Resampler.downsampler(), square),
				process(Resampler.upsampler(), Arrays.copyOf(square, 8_000)) }) {
			assertThat(out).contains(Short.MAX_VALUE, Short.MIN_VALUE);
			for (int i = 1; i < out.length; i++) {
				assertThat(Math.abs(out[i] - out[i - 1])).as("jump at %d", i).isLessThan(50_000);
			}
		}
	}

	@Test
	void upsampleWhenFedInChunksThenSameAsWholeBuffer() {
		assertChunkedEqualsWhole(Resampler::upsampler, new SpeechLikeAudio(3).silence(100).speech(600).samples(), 3);
	}

	@Test
	void downsampleWhenFedInChunksThenSameAsWholeBuffer() {
		assertChunkedEqualsWhole(Resampler::downsampler, new SpeechLikeAudio(4).silence(100).speech(600).samples(), 4);
	}

	@Test
	void outputLengthWhenDownsamplingThenFollowsThePhaseAcrossCalls() {
		Resampler down = Resampler.downsampler();
		short[] out = new short[10];
		assertThat(down.outputLength(2)).isZero();
		assertThat(down.process(new short[2], 0, 2, out, 0)).isZero();
		assertThat(down.outputLength(1)).isEqualTo(1);
		assertThat(down.process(new short[1], 0, 1, out, 0)).isEqualTo(1);
		assertThat(down.outputLength(7)).isEqualTo(2);
		assertThat(down.process(new short[7], 0, 7, out, 0)).isEqualTo(2);
		assertThat(down.outputLength(2)).isEqualTo(1);
	}

	@Test
	void resetThenProcessesLikeANewResampler() {
		short[] in = new SpeechLikeAudio(5).speech(300).samples();
		for (Supplier<Resampler> factory : List.<Supplier<Resampler>>of(Resampler::upsampler, Resampler::downsampler)) {
			Resampler used = factory.get();
			process(used, Arrays.copyOf(in, 1_001));
			used.reset();
			assertThat(process(used, in)).containsExactly(process(factory.get(), in));
		}
	}

	private static void assertChunkedEqualsWhole(Supplier<Resampler> factory, short[] in, long seed) {
		short[] whole = process(factory.get(), in);
		Resampler chunked = factory.get();
		short[] out = new short[whole.length];
		Random random = new Random(seed);
		int written = 0;
		int at = 0;
		while (at < in.length) {
			int length = Math.min(in.length - at, random.nextInt(500));
			int expected = chunked.outputLength(length);
			int produced = chunked.process(in, at, length, out, written);
			assertThat(produced).isEqualTo(expected);
			written += produced;
			at += length;
		}
		assertThat(written).isEqualTo(whole.length);
		assertThat(out).containsExactly(whole);
	}

	private static short[] process(Resampler resampler, short[] in) {
		short[] out = new short[resampler.outputLength(in.length)];
		int written = resampler.process(in, 0, in.length, out, 0);
		assertThat(written).isEqualTo(out.length);
		return out;
	}

}

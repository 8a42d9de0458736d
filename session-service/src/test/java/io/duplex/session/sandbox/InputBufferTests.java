package io.duplex.session.sandbox;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The bounded buffer of a turn's input audio. */
class InputBufferTests {

	@Test
	void takeThenReturnsTheAppendedSamplesInOrder() {
		InputBuffer buffer = new InputBuffer();
		short[] samples = ramp(0, 50_000);
		buffer.append(samples, 0, 20_000);
		buffer.append(samples, 20_000, 30_000);
		Turn turn = buffer.take();
		assertThat(turn.samples()).isEqualTo(samples);
		assertThat(turn.durationMs()).isEqualTo(2083);
	}

	@Test
	void takeThenTheBufferIsEmpty() {
		InputBuffer buffer = new InputBuffer();
		buffer.append(ramp(0, 100), 0, 100);
		buffer.take();
		Turn turn = buffer.take();
		assertThat(turn.samples()).isEmpty();
		assertThat(turn.durationMs()).isZero();
	}

	@Test
	void appendWhenBeyondTheBoundThenKeepsTheLastSamples() {
		InputBuffer buffer = new InputBuffer(1_000);
		short[] samples = ramp(0, 2_537);
		for (int at = 0; at < samples.length; at += 240) {
			buffer.append(samples, at, Math.min(240, samples.length - at));
		}
		Turn turn = buffer.take();
		assertThat(turn.samples()).isEqualTo(ramp(1_537, 1_000));
		// the duration is the turn's, not what was kept of it
		assertThat(turn.durationMs()).isEqualTo(2_537 / 24);
	}

	@Test
	void appendWhenOneAppendExceedsTheBoundThenKeepsItsEnd() {
		InputBuffer buffer = new InputBuffer(1_000);
		buffer.append(ramp(0, 10), 0, 10);
		buffer.append(ramp(10, 3_000), 0, 3_000);
		buffer.append(ramp(3_010, 5), 0, 5);
		assertThat(buffer.take().samples()).isEqualTo(ramp(2_015, 1_000));
	}

	@Test
	void clearThenForgetsTheAudio() {
		InputBuffer buffer = new InputBuffer();
		buffer.append(ramp(0, 100), 0, 100);
		buffer.clear();
		buffer.append(ramp(7, 10), 0, 10);
		assertThat(buffer.take().samples()).isEqualTo(ramp(7, 10));
	}

	@Test
	void maxSamplesThenIsTenMinutes() {
		assertThat(InputBuffer.MAX_SAMPLES).isEqualTo(10 * 60 * 24_000);
	}

	/** Samples {@code first, first + 1, ...}, wrapping at 16 bits. */
	private static short[] ramp(int first, int count) {
		short[] samples = new short[count];
		IntStream.range(0, count).forEach((i) -> samples[i] = (short) (first + i));
		return samples;
	}

}

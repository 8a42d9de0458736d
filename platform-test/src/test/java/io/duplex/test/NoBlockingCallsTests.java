package io.duplex.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A block whose {@link BlockingOperationError} nobody sees (swallowed by the code it happened in)
 * still fails the test it happened during.
 */
class NoBlockingCallsTests {

	@Test
	void swallowedBlockingCallWhenTheTestEndsThenItFails() {
		String answer = Mono.fromCallable(NoBlockingCallsTests::sleepBriefly)
			.subscribeOn(Schedulers.parallel())
			.onErrorReturn(BlockingOperationError.class, "swallowed")
			.block(Duration.ofSeconds(10));
		assertThat(answer).isEqualTo("swallowed");

		assertThatThrownBy(() -> new NoBlockingCalls().afterEach(null)).isInstanceOf(AssertionError.class)
			.hasMessageContaining("1 blocking call(s) on a non-blocking thread")
			.hasMessageContaining("java.lang.Thread.sleep")
			.hasCauseInstanceOf(BlockingOperationError.class);
		assertThat(BlockingCalls.drain()).isEmpty();
	}

	@Test
	void noBlockingCallWhenTheTestEndsThenItPasses() {
		Mono.fromCallable(NoBlockingCallsTests::sleepBriefly)
			.subscribeOn(Schedulers.boundedElastic())
			.block(Duration.ofSeconds(10));

		new NoBlockingCalls().afterEach(null);
	}

	private static String sleepBriefly() throws InterruptedException {
		Thread.sleep(1);
		return "slept";
	}

}

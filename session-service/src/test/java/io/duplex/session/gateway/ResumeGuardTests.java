package io.duplex.session.gateway;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResumeGuardTests {

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	/** 6 failures a minute (one every 10 s), 3 at once, 4 addresses tracked. */
	private final ResumeGuard guard = new ResumeGuard(new ResumeGuardSettings(6, 3, 4), this.now::get);

	@Test
	void failuresBeyondTheBurstThenRefusedUntilTheAllowanceRefills() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.guard.tryAcquire("10.0.0.1")).isNull();
		}
		assertThat(seconds(this.guard.tryAcquire("10.0.0.1"))).isEqualTo(10);
		advance(Duration.ofSeconds(4));
		assertThat(seconds(this.guard.tryAcquire("10.0.0.1"))).isEqualTo(6);
		advance(Duration.ofSeconds(7));
		assertThat(this.guard.tryAcquire("10.0.0.1")).isNull();
		assertThat(seconds(this.guard.tryAcquire("10.0.0.1"))).isEqualTo(9);
	}

	@Test
	void failuresOfOneAddressThenAnotherAddressIsNotLimited() {
		for (int i = 0; i < 3; i++) {
			this.guard.tryAcquire("10.0.0.1");
		}
		assertThat(this.guard.tryAcquire("10.0.0.1")).isNotNull();
		for (int i = 0; i < 3; i++) {
			assertThat(this.guard.tryAcquire("10.0.0.2")).isNull();
		}
	}

	@Test
	void successfulResumesThenGiveTheirAttemptBackAndCostNothing() {
		for (int i = 0; i < 50; i++) {
			assertThat(this.guard.tryAcquire("10.0.0.1")).isNull();
			this.guard.release("10.0.0.1");
		}
		// a bucket back to full is not kept
		assertThat(this.guard.tracked()).isZero();
		this.guard.tryAcquire("10.0.0.1");
		this.guard.tryAcquire("10.0.0.1");
		this.guard.release("10.0.0.1");
		assertThat(this.guard.tracked()).isOne();
		// two failures kept, one given back: two of the three left
		assertThat(this.guard.tryAcquire("10.0.0.1")).isNull();
		assertThat(this.guard.tryAcquire("10.0.0.1")).isNull();
		assertThat(this.guard.tryAcquire("10.0.0.1")).isNotNull();
	}

	@Test
	void manyAddressesThenTheLeastRecentlyUsedAreForgottenAndMemoryStaysBounded() {
		for (int i = 0; i < 3; i++) {
			this.guard.tryAcquire("10.0.0.1");
		}
		for (int address = 2; address <= 1000; address++) {
			this.guard.tryAcquire("10.0.3." + address);
			assertThat(this.guard.tracked()).isLessThanOrEqualTo(4);
		}
		// forgotten, so it starts over with a full allowance: the worst an eviction does
		assertThat(this.guard.tryAcquire("10.0.0.1")).isNull();
	}

	@Test
	void recentlyLimitedAddressIsKeptWhileIdleOnesAreEvicted() {
		for (int i = 0; i < 3; i++) {
			this.guard.tryAcquire("10.0.0.1");
		}
		this.guard.tryAcquire("10.0.0.2");
		this.guard.tryAcquire("10.0.0.3");
		this.guard.tryAcquire("10.0.0.4");
		assertThat(this.guard.tryAcquire("10.0.0.1")).isNotNull();
		// a fifth address evicts the one idle longest (10.0.0.2), not the one just refused
		this.guard.tryAcquire("10.0.0.5");
		assertThat(this.guard.tryAcquire("10.0.0.1")).isNotNull();
	}

	@Test
	void keyOfThenIpv4AsItIsAndIpv6ByItsSlash64() {
		assertThat(ResumeGuard.keyOf(new InetSocketAddress("203.0.113.7", 5555))).isEqualTo("203.0.113.7");
		assertThat(ResumeGuard.keyOf(new InetSocketAddress("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 5555)))
			.isEqualTo(ResumeGuard.keyOf(new InetSocketAddress("2001:db8:1:2::1", 6666)))
			.isEqualTo("2001:db8:1:2:0:0:0:0/64")
			.isNotEqualTo(ResumeGuard.keyOf(new InetSocketAddress("2001:db8:1:3::1", 5555)));
		assertThat(ResumeGuard.keyOf(new InetSocketAddress("::ffff:203.0.113.7", 5555))).isEqualTo("203.0.113.7");
		assertThat(ResumeGuard.keyOf(null)).isEqualTo("unknown");
	}

	/** Whole seconds, as the limit's arithmetic is in floating point. */
	private static long seconds(Duration wait) {
		assertThat(wait).isNotNull();
		return Math.round(wait.toNanos() / 1e9);
	}

	private void advance(Duration duration) {
		this.now.addAndGet(duration.toNanos());
	}

}

package io.duplex.core.schedule;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

class BackgroundJobTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

	private final Logger logger = (Logger) LoggerFactory.getLogger(BackgroundJob.class);

	private VirtualTimeScheduler time;

	@BeforeEach
	void virtualTime() {
		// Flux.interval's default scheduler becomes this one: ticks come only when the test says
		this.time = VirtualTimeScheduler.getOrSet();
		this.logged.start();
		this.logger.addAppender(this.logged);
	}

	@AfterEach
	void realTime() {
		this.logger.detachAppender(this.logged);
		VirtualTimeScheduler.reset();
	}

	@Test
	void runWhenItFailsThenLoggedWithTheJobsNameAndTheNextTickRunsAgain() {
		AtomicInteger runs = new AtomicInteger();
		try (BackgroundJob job = BackgroundJob.start("test-sweep", Duration.ofSeconds(1), this.meters,
				() -> (runs.incrementAndGet() == 1) ? Mono.error(new IllegalStateException("database away"))
						: Mono.just("swept"))) {
			this.time.advanceTimeBy(Duration.ofSeconds(1));
			assertThat(runs).hasValue(1);
			assertThat(this.logged.list).singleElement().satisfies((event) -> {
				assertThat(event.getLevel()).isEqualTo(Level.WARN);
				assertThat(event.getFormattedMessage()).contains("test-sweep");
				assertThat(event.getThrowableProxy().getMessage()).isEqualTo("database away");
			});
			this.time.advanceTimeBy(Duration.ofSeconds(1));
			assertThat(runs).hasValue(2);
			assertThat(job.isClosed()).isFalse();
		}
	}

	@Test
	void runWhenItEndsThenTimedByJobAndOutcome() {
		AtomicInteger runs = new AtomicInteger();
		try (BackgroundJob job = BackgroundJob.start("test-sweep", Duration.ofSeconds(1), this.meters,
				() -> (runs.incrementAndGet() == 2) ? Mono.error(new IllegalStateException("database away"))
						: Mono.empty())) {
			this.time.advanceTimeBy(Duration.ofSeconds(3));
			assertThat(runs).hasValue(3);
		}
		assertThat(this.meters.get(BackgroundJob.RUNS_METRIC).tags("job", "test-sweep", "outcome", "success").timer()
			.count()).isEqualTo(2);
		assertThat(this.meters.get(BackgroundJob.RUNS_METRIC).tags("job", "test-sweep", "outcome", "failure").timer()
			.count()).isEqualTo(1);
	}

	@Test
	void tickWhenTheRunBeforeIsStillGoingThenSkippedNotQueued() {
		AtomicInteger runs = new AtomicInteger();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		Sinks.Empty<Void> firstDone = Sinks.empty();
		try (BackgroundJob job = BackgroundJob.start("test-poll", Duration.ofSeconds(1), this.meters, () -> {
			int now = running.incrementAndGet();
			mostAtOnce.accumulateAndGet(now, Math::max);
			Mono<Void> work = (runs.incrementAndGet() == 1) ? firstDone.asMono() : Mono.empty();
			return work.doFinally((signal) -> running.decrementAndGet());
		})) {
			this.time.advanceTimeBy(Duration.ofSeconds(5));
			assertThat(runs).hasValue(1);
			firstDone.tryEmitEmpty();
			assertThat(running).hasValue(0);
			// the ticks that came during the long run were dropped, not run one after the other now
			assertThat(runs).hasValue(1);
			this.time.advanceTimeBy(Duration.ofSeconds(1));
			assertThat(runs).hasValue(2);
			assertThat(mostAtOnce).hasValue(1);
		}
	}

	@Test
	void closeWhenARunIsGoingThenCancelledAndNoMoreRuns() {
		AtomicInteger runs = new AtomicInteger();
		AtomicBoolean cancelled = new AtomicBoolean();
		BackgroundJob job = BackgroundJob.start("test-lease", Duration.ofMillis(500), Duration.ofSeconds(1),
				this.meters, () -> {
					runs.incrementAndGet();
					return Mono.never().doOnCancel(() -> cancelled.set(true));
				});
		this.time.advanceTimeBy(Duration.ofMillis(500));
		assertThat(runs).hasValue(1);
		job.close();
		assertThat(job.isClosed()).isTrue();
		assertThat(cancelled).isTrue();
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(runs).hasValue(1);
	}

}
